// Copy buttons: shown only where JavaScript runs (without it, select the text and copy).
document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
  var source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(source.value).then(function () {
      button.setAttribute("aria-pressed", "true");
    });
  });
});

// Print buttons (the browser's own Print works without JavaScript too).
document.querySelectorAll("button.print").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
