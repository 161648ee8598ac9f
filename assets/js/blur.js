// Draw blur rectangles on the photo with mouse or finger; they fill the numeric inputs,
// which remain the way to do it without JavaScript.
(function () {
  var stage = document.querySelector(".blur-stage");
  var image = document.getElementById("blur-image");
  var rows = function () { return document.querySelectorAll(".blur-form fieldset.rect"); };
  if (!stage || !image || !rows().length) return;
  var natural = { w: +stage.dataset.width, h: +stage.dataset.height };
  var next = 0, start = null, box = null;
  function point(event) {
    var rect = image.getBoundingClientRect();
    var p = event.touches ? event.touches[0] : event;
    return { x: Math.max(0, Math.min(rect.width, p.clientX - rect.left)),
             y: Math.max(0, Math.min(rect.height, p.clientY - rect.top)), scale: natural.w / rect.width };
  }
  function begin(event) {
    event.preventDefault();
    start = point(event);
    box = document.createElement("div");
    box.className = "blur-box";
    stage.appendChild(box);
  }
  function move(event) {
    if (!start) return;
    var p = point(event);
    box.style.left = Math.min(start.x, p.x) + "px";
    box.style.top = Math.min(start.y, p.y) + "px";
    box.style.width = Math.abs(p.x - start.x) + "px";
    box.style.height = Math.abs(p.y - start.y) + "px";
    box.dataset.x = Math.round(Math.min(start.x, p.x) * p.scale);
    box.dataset.y = Math.round(Math.min(start.y, p.y) * p.scale);
    box.dataset.w = Math.round(Math.abs(p.x - start.x) * p.scale);
    box.dataset.h = Math.round(Math.abs(p.y - start.y) * p.scale);
  }
  function end() {
    if (!start) return;
    start = null;
    if (!box.dataset.w || +box.dataset.w < 4 || +box.dataset.h < 4) { box.remove(); return; }
    var all = rows();
    // The first empty row (the faces found fill the first ones when the page opens).
    while (next < all.length && Array.prototype.some.call(all[next].querySelectorAll("input"),
      function (input) { return input.value !== ""; })) next += 1;
    var row = next < all.length ? all[next] : another(all[all.length - 1], all.length);
    var inputs = row.querySelectorAll("input");
    ["x", "y", "w", "h"].forEach(function (key, index) { inputs[index].value = box.dataset[key]; });
    next += 1;
  }
  // A drawn region beyond the rows on the page gets a row of its own, like "add another".
  function another(last, index) {
    var row = last.cloneNode(true);
    row.querySelectorAll("[id], [name], [for]").forEach(function (el) {
      ["id", "name", "for"].forEach(function (attr) {
        if (el.hasAttribute(attr)) el.setAttribute(attr, el.getAttribute(attr).replace(/regions-\d+-/, "regions-" + index + "-"));
      });
      if (el.tagName === "INPUT") el.value = "";
    });
    row.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    var legend = row.querySelector("legend");
    legend.textContent = legend.textContent.replace(/\d+/, String(index + 1));
    last.after(row);
    return row;
  }
  // The regions already filled in (the faces found) are shown on the photo, numbered.
  Array.prototype.forEach.call(rows(), function (row, index) {
    var v = Array.prototype.map.call(row.querySelectorAll("input"), function (input) { return input.value; });
    if (v.length < 4 || v.some(function (value) { return value === ""; })) return;
    var shown = document.createElement("div");
    shown.className = "blur-box proposed";
    shown.textContent = String(index + 1);
    shown.style.left = (100 * v[0] / natural.w) + "%";
    shown.style.top = (100 * v[1] / natural.h) + "%";
    shown.style.width = (100 * v[2] / natural.w) + "%";
    shown.style.height = (100 * v[3] / natural.h) + "%";
    stage.appendChild(shown);
  });
  image.addEventListener("mousedown", begin);
  image.addEventListener("touchstart", begin, { passive: false });
  window.addEventListener("mousemove", move);
  window.addEventListener("touchmove", move, { passive: false });
  window.addEventListener("mouseup", end);
  window.addEventListener("touchend", end);
})();
