// "Insert in text": the {ref} of the person chosen in the row goes in at the cursor.
// Without JavaScript the button submits the form and the server appends it instead.
(function () {
  var form = document.getElementById("item-form");
  var text = document.getElementById("text");
  if (!form || !text) return;
  var refs = JSON.parse(form.dataset.refs || "{}");
  form.querySelectorAll("button.insert-person").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var select = button.closest(".person-row").querySelector("select");
      var ref = select && refs[select.value];
      if (!ref) return;  // nobody chosen: the server says so
      event.preventDefault();
      var token = "{" + ref + "}";
      var start = text.selectionStart, end = text.selectionEnd;
      var before = text.value.slice(0, start), after = text.value.slice(end);
      if (before && !/\s$/.test(before)) token = " " + token;
      if (after && !/^\s/.test(after)) token = token + " ";
      text.value = before + token + after;
      text.focus();
      text.selectionStart = text.selectionEnd = start + token.length;
      text.dispatchEvent(new Event("input", { bubbles: true }));  // counter, preview, warnings
    });
  });
})();
