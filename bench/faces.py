"""Face detection, measured honestly (issue 18): precision and recall per face size on a
labelled set, and the time per 12-megapixel photo next to the scrub of the same photo.

The set is built at run time from photos that scikit-image ships (public domain / CC0; the
hand-made boxes of their faces are in ``bench/faces_labels.json``), so no image is
committed:

- the two real photos with a face (the astronaut, frontal; the cameraman, in profile);
- 12-megapixel composites (4000 × 3000): the astronaut's head pasted, at known places, on
  backgrounds from the same package — at several sizes, turned, darker and lighter, low
  contrast, and crowds of 60 and 150 faces;
- the backgrounds alone (no face: every region proposed there is a false one).

A labelled face is *found* when the regions proposed cover at least 80 % of its box (what
matters for blurring it); a region is *right* when it holds the centre of a labelled face
and is at most 9 times its area. Bands are the face's width in the photo's own pixels.

Run: .venv/bin/python bench/faces.py [--sides 800,1024,1280] [--quick]
"""

import argparse
import importlib.util
import io
import json
import os
import pathlib
import random
import statistics
import time

from PIL import Image, ImageEnhance

from amplify.media import detect as detector
from amplify.media.detect import covered, detect, proposals
from amplify.media.scrub import scrub_image

DATA = pathlib.Path(importlib.util.find_spec("skimage").origin).parent / "data"
LABELS = json.loads((pathlib.Path(__file__).parent / "faces_labels.json").read_text())
SIZE = (4000, 3000)
BANDS = [(0, 80, "< 80 px"), (80, 160, "80–159 px"), (160, 320, "160–319 px"), (320, 10**6, "≥ 320 px")]


def band(width):
    return next(label for low, high, label in BANDS if low <= width < high)


def package(name):
    with Image.open(DATA / name) as image:
        return image.convert("RGB")


def background(name):
    return package(name).resize(SIZE, Image.Resampling.BILINEAR)


def jpeg(image, quality=88):
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def head(width, angle=0, light=1.0, contrast=1.0, mirror=False):
    """The astronaut's head patch scaled so her face is ``width`` wide: ``(patch, mask, face
    box in the patch)``; turned by ``angle`` degrees about the face's centre."""
    px, py, pw, ph = LABELS["astronaut.png"]["patch"]
    fx, fy, fw, fh = LABELS["astronaut.png"]["faces"][0]
    patch = package("astronaut.png").crop((px, py, px + pw, py + ph))
    if mirror:
        patch = patch.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        fx = px + pw - (fx - px) - fw
    scale = width / fw
    patch = patch.resize((round(pw * scale), round(ph * scale)), Image.Resampling.LANCZOS)
    patch = ImageEnhance.Contrast(ImageEnhance.Brightness(patch).enhance(light)).enhance(contrast)
    face = [round((fx - px) * scale), round((fy - py) * scale), round(fw * scale), round(fh * scale)]
    mask = Image.new("L", patch.size, 255)
    if angle:
        cx, cy = face[0] + face[2] / 2, face[1] + face[3] / 2
        patch = patch.rotate(angle, Image.Resampling.BICUBIC, center=(cx, cy))
        mask = mask.rotate(angle, center=(cx, cy))
    return patch, mask, face


def composite(bg, faces, rng):
    """``faces``: ``[dict(width=…, angle=…, …)]`` placed without overlap; returns
    ``(jpeg bytes, labelled boxes)``."""
    image, taken, labels = background(bg), [], []
    for spec in faces:
        patch, mask, (fx, fy, fw, fh) = head(**spec)
        for _ in range(200):
            x, y = rng.randrange(0, SIZE[0] - patch.width), rng.randrange(0, SIZE[1] - patch.height)
            box = (x, y, patch.width, patch.height)
            if not any(x < tx + tw and tx < x + patch.width and y < ty + th and ty < y + patch.height
                       for tx, ty, tw, th in taken):
                break
        else:
            continue  # no room left
        taken.append(box)
        image.paste(patch, (x, y), mask)
        labels.append((x + fx, y + fy, fw, fh))
    return jpeg(image), labels


def crowd(bg, count, widths, rng):
    """A crowd: ``count`` heads in rows, overlapping a little as people do."""
    image, labels = background(bg), []
    x, y, row_height = 40, 40, 0
    for _ in range(count):
        width = rng.choice(widths)
        patch, mask, (fx, fy, fw, fh) = head(width, angle=rng.choice((-8, -4, 0, 4, 8)),
                                             light=rng.choice((0.8, 1.0, 1.2)), mirror=rng.random() < 0.5)
        if x + patch.width > SIZE[0]:
            x, y, row_height = 40, y + int(row_height * 0.9), 0
        if y + patch.height > SIZE[1]:
            break
        image.paste(patch, (x, y), mask)
        labels.append((x + fx, y + fy, fw, fh))
        x, row_height = x + int(patch.width * 0.85), max(row_height, patch.height)
    return jpeg(image), labels


def labelled_set(quick=False):
    """``[(name, group, jpeg bytes or clean bytes, labels)]``."""
    rng = random.Random(18)
    backgrounds = LABELS["_backgrounds"][: 4 if quick else None]
    cases = []
    for name in ("astronaut.png", "camera.png"):
        cases.append((name, "real", scrub_image((DATA / name).read_bytes()),
                      [tuple(f) for f in LABELS[name]["faces"]]))
    widths = (40, 60, 80, 110, 160, 220, 320, 480, 800)
    for n, bg in enumerate(backgrounds):
        for width in widths[n % 3::3] if quick else widths:
            data, labels = composite(bg, [dict(width=width, mirror=rng.random() < 0.5) for _ in range(3)], rng)
            cases.append((f"{bg} · {width} px", "size", data, labels))
    for angle in (-45, -30, -20, -10, 10, 20, 30, 45):
        data, labels = composite(backgrounds[abs(angle) % len(backgrounds)],
                                 [dict(width=240, angle=angle) for _ in range(3)], rng)
        cases.append((f"turned {angle}°", "turned", data, labels))
    for light, contrast in ((0.3, 1.0), (0.5, 1.0), (1.5, 1.0), (1.8, 1.0), (1.0, 0.4), (0.6, 0.6)):
        data, labels = composite(backgrounds[0], [dict(width=240, light=light, contrast=contrast)
                                                  for _ in range(3)], rng)
        cases.append((f"light ×{light}, contrast ×{contrast}", "lighting", data, labels))
    for count, widths_ in ((60, (170, 200, 230)), (150, (100, 120, 140))):
        data, labels = crowd(backgrounds[1], count, widths_, rng)
        cases.append((f"crowd of {len(labels)}", "crowd", data, labels))
    for bg in backgrounds:
        cases.append((f"{bg} alone", "no face", jpeg(background(bg)), []))
    return cases


def score(labels, regions):
    """``(found per label, right per region)``."""
    found = [covered(label, regions) for label in labels]
    right = []
    for x, y, w, h in regions:
        hit = next((lab for lab in labels if x <= lab[0] + lab[2] / 2 < x + w and y <= lab[1] + lab[3] / 2 < y + h
                    and w * h <= 9 * lab[2] * lab[3]), None)
        right.append((hit, (x, y, w, h)))
    return found, right


def evaluate(cases, side, step, neighbours):
    per_band = {label: {"faces": 0, "found": 0, "regions": 0, "right": 0} for _, _, label in BANDS}
    per_group, seconds, capped = {}, [], []
    for name, group, data, labels in cases:
        started = time.process_time()
        boxes, count = detect(data, side=side, step=step, neighbours=neighbours)
        seconds.append(time.process_time() - started)
        if count > len(boxes):
            capped.append(name)
        regions = proposals(boxes) if group == "crowd" else boxes
        found, right = score(labels, regions)
        g = per_group.setdefault(group, {"faces": 0, "found": 0, "regions": 0, "right": 0, "photos": 0})
        g["photos"] += 1
        g["faces"] += len(labels)
        g["found"] += sum(found)
        g["regions"] += len(regions)
        g["right"] += sum(1 for hit, _ in right if hit)
        for label, ok in zip(labels, found):
            per_band[band(label[2])]["faces"] += 1
            per_band[band(label[2])]["found"] += ok
        for hit, box in right:
            b = per_band[band(hit[2] if hit else box[2] / (1 + 2 * detector.MARGIN))]
            b["regions"] += 1
            b["right"] += bool(hit)
    return per_band, per_group, seconds, capped


def ratio(a, b):
    return f"{a / b:.0%}" if b else "—"


def timing(side, step, neighbours):
    """Median of 3: scrub (the floor every upload already pays) and detection, on the same
    12-megapixel JPEG, side by side."""
    rng = random.Random(5)
    data, _labels = composite("grass.png", [dict(width=300) for _ in range(4)], rng)
    noise = io.BytesIO()
    Image.effect_noise(SIZE, 64).convert("RGB").save(noise, format="JPEG", quality=90)
    rows = []
    for label, photo in (("4 faces on grass", data), ("noise (the scrub bench's photo)", noise.getvalue())):
        clean = scrub_image(photo)
        scrub = [_timed(lambda: scrub_image(photo)) for _ in range(3)]
        found = [_timed(lambda: detect(clean, side=side, step=step, neighbours=neighbours)) for _ in range(3)]
        rows.append((label, len(photo) / 1e6, [statistics.median(t) for t in zip(*scrub)],
                     [statistics.median(t) for t in zip(*found)]))
    return rows


def _timed(function):
    """``(processor seconds, wall seconds)``: on a machine shared with other work the
    processor time is what the code itself costs; the wall time is what a person waits."""
    cpu, wall = time.process_time(), time.perf_counter()
    function()
    return time.process_time() - cpu, time.perf_counter() - wall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sides", default=str(detector.DETECT_SIDE),
                        help="longest sides of the downscaled copy to compare, comma-separated")
    parser.add_argument("--steps", default=str(detector.SCALE_STEP),
                        help="scale steps of the detector to compare, comma-separated")
    parser.add_argument("--neighbours", default=str(detector.NEIGHBOURS),
                        help="minimum neighbours to compare, comma-separated")
    parser.add_argument("--quick", action="store_true", help="fewer composites")
    args = parser.parse_args()
    detect(jpeg(Image.new("RGB", (64, 64))))  # load the cascade, as a running server has
    cases = labelled_set(args.quick)
    faces = sum(len(c[3]) for c in cases)
    print(f"labelled set: {len(cases)} photos, {faces} faces "
          f"(detector: {detector.CASCADE}, min face {detector.MIN_FACE} px of the copy)")
    configs = [(int(side), float(step), int(n)) for side in args.sides.split(",")
               for step in args.steps.split(",") for n in args.neighbours.split(",")]
    for side, step, neighbours in configs:
        per_band, per_group, seconds, capped = evaluate(cases, side, step, neighbours)
        print(f"\n== downscaled copy: longest side {side} px, scale step {step}, {neighbours} neighbours "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores) ==")
        print(f"{'face width':<12} {'faces':>6} {'recall':>7} {'regions':>8} {'precision':>10}")
        for _low, _high, label in BANDS:
            b = per_band[label]
            print(f"{label:<12} {b['faces']:>6} {ratio(b['found'], b['faces']):>7} {b['regions']:>8} "
                  f"{ratio(b['right'], b['regions']):>10}")
        print(f"{'group':<12} {'photos':>6} {'faces':>6} {'recall':>7} {'regions':>8} {'precision':>10}")
        for group, g in per_group.items():
            print(f"{group:<12} {g['photos']:>6} {g['faces']:>6} {ratio(g['found'], g['faces']):>7} "
                  f"{g['regions']:>8} {ratio(g['right'], g['regions']):>10}")
        print(f"detection per 12 MP photo, processor time: median {statistics.median(seconds):.2f} s, "
              f"worst {max(seconds):.2f} s"
              + (f"; capped at {detector.MAX_FACES}: {', '.join(capped)}" if capped else ""))
        for label, megabytes, (scrub_cpu, scrub_wall), (detect_cpu, detect_wall) in timing(side, step, neighbours):
            print(f"12 MP JPEG, {label} ({megabytes:.1f} MB), median of 3: scrub {scrub_cpu:.2f} s "
                  f"processor / {scrub_wall:.2f} s wall; detect {detect_cpu:.2f} s / {detect_wall:.2f} s "
                  f"(budget 1 s); detect ÷ scrub {detect_cpu / scrub_cpu:.1f}")


if __name__ == "__main__":
    main()
