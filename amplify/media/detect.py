"""Finding faces in a photo, with no network: OpenCV's frontal-face Haar cascade, the XML
file that ships inside the ``opencv-python-headless`` wheel (``cv2.data.haarcascades``).

Detection runs on a grey, downscaled copy (longest side ``DETECT_SIDE``; a JPEG is decoded
straight at a reduced scale), so a 12-megapixel photo costs about what a 1-megapixel one
does. Boxes are scaled back to the photo's pixels and widened to cover hair, ears and chin,
since they become regions to blur. Measured in ``bench/faces.py`` (figures in
``bench/README.md``): what it misses is mostly faces turned more than ~30° or in profile,
and faces smaller than ``MIN_FACE`` pixels of the downscaled copy.
"""

import io
import threading

from PIL import Image

DETECT_SIDE = 1024  # longest side of the copy the detector looks at
MIN_FACE = 20  # pixels of that copy: ~80 px in a 4000 × 3000 photo
SCALE_STEP = 1.2  # between the sizes looked at: 1.1 finds a few more faces for twice the time
NEIGHBOURS = 3  # overlapping hits that make a face: fewer find more faces, and more that are not
MARGIN = 0.2  # each side of a box widened by this share of its size
MAX_FACES = 300  # faces kept per photo (the largest): more is a crowd, blurred by area
MAX_PROPOSALS = 40  # regions proposed at once (the blur form's rows)
CASCADE = "haarcascade_frontalface_default.xml"

_local = threading.local()  # a CascadeClassifier is not safe to share between threads


def _classifier():
    if getattr(_local, "classifier", None) is None:
        import cv2  # imported on first use: the app starts without paying for it

        classifier = cv2.CascadeClassifier(cv2.data.haarcascades + CASCADE)
        if classifier.empty():  # pragma: no cover - a broken install
            raise RuntimeError(f"OpenCV's {CASCADE} is missing")
        _local.classifier = classifier
    return _local.classifier


def grey_copy(clean_bytes, side=DETECT_SIDE):
    """``(numpy grey image, scale back to the photo)`` of at most ``side`` pixels a side."""
    import numpy

    with Image.open(io.BytesIO(clean_bytes)) as image:
        width, height = image.size
        image.draft("L", (side, side))  # JPEG: decode at 1/2, 1/4 or 1/8 scale
        grey = image.convert("L")
    grey.thumbnail((side, side), Image.Resampling.BILINEAR)
    return numpy.asarray(grey), width / grey.width


def detect(clean_bytes, side=DETECT_SIDE, step=SCALE_STEP, neighbours=NEIGHBOURS):
    """Faces in already-scrubbed image bytes: ``(boxes, found)`` where ``boxes`` are
    ``(x, y, w, h)`` in the photo's pixels, largest first, at most ``MAX_FACES``, and
    ``found`` the number the detector saw (more than ``len(boxes)``: capped)."""
    import cv2

    grey, scale = grey_copy(clean_bytes, side)
    if min(grey.shape) < MIN_FACE:
        return [], 0
    found = _classifier().detectMultiScale(cv2.equalizeHist(grey), scaleFactor=step,
                                           minNeighbors=neighbours, minSize=(MIN_FACE, MIN_FACE))
    height, width = grey.shape
    boxes = []
    for x, y, w, h in sorted((tuple(int(v) for v in box) for box in found),
                             key=lambda b: -b[2] * b[3]):
        pad_w, pad_h = w * MARGIN, h * MARGIN
        left, top = max(0.0, x - pad_w), max(0.0, y - pad_h * 1.25)  # hair above the box
        right, bottom = min(width, x + w + pad_w), min(height, y + h + pad_h)
        box = (round(left * scale), round(top * scale),
               max(1, round((right - left) * scale)), max(1, round((bottom - top) * scale)))
        if not covered(box, boxes, share=0.7, samples=4):  # a second hit on a face kept already
            boxes.append(box)
    return boxes[:MAX_FACES], len(boxes)


def proposals(boxes, limit=MAX_PROPOSALS):
    """At most ``limit`` regions that together cover every box: each box alone when there
    are few; for a crowd, the boxes whose centres fall in one cell of the finest grid that
    gives at most ``limit`` cells are merged into one region."""
    boxes = list(boxes)
    if len(boxes) <= limit:
        return boxes
    right = max(x + w for x, y, w, h in boxes)
    bottom = max(y + h for x, y, w, h in boxes)
    for cells in range(12, 0, -1):
        groups = {}
        for box in boxes:
            x, y, w, h = box
            key = (min(cells - 1, (x + w // 2) * cells // max(1, right)),
                   min(cells - 1, (y + h // 2) * cells // max(1, bottom)))
            groups.setdefault(key, []).append(box)
        if len(groups) <= limit:
            break
    merged = []
    for key in sorted(groups):
        group = groups[key]
        left, top = min(b[0] for b in group), min(b[1] for b in group)
        merged.append((left, top, max(b[0] + b[2] for b in group) - left,
                       max(b[1] + b[3] for b in group) - top))
    return merged


def covered(box, rectangles, share=0.8, samples=8):
    """Whether at least ``share`` of ``box`` lies under the union of ``rectangles`` (on a
    grid of ``samples`` × ``samples`` points: several small regions over one face count)."""
    x, y, w, h = box
    inside = 0
    for i in range(samples):
        px = x + (i + 0.5) * w / samples
        for j in range(samples):
            py = y + (j + 0.5) * h / samples
            if any(rx <= px < rx + rw and ry <= py < ry + rh for rx, ry, rw, rh in rectangles):
                inside += 1
    return inside >= share * samples * samples
