// Live card preview: after each change, the preview image is fetched for the form as it stands.
(function () {
  var form = document.getElementById("card-form");
  var preview = document.getElementById("card-preview");
  if (!form || !preview) return;
  var timer = null;
  function refresh() {
    var data = new FormData(form);
    data.delete("csrf_token");
    if (!String(data.get("main_text") || "").trim()) return;
    var query = new URLSearchParams(data).toString();
    preview.src = form.dataset.previewUrl + "?" + query;
    preview.hidden = false;
  }
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 400); });
  form.addEventListener("change", refresh);
})();
