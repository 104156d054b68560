/*
 * The running count under a message body (textarea[data-char-limit], messaging/forms.py BodyField).
 * Progressive enhancement only: the server checks the same limit and says so beside the field, with
 * the text kept; this tells the writer before they send. Loaded from the site's origin (CSP:
 * script-src 'self'), no inline code.
 */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "ja";

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return name in values ? values[name] : match;
    });
  }

  function number(n) {
    return n.toLocaleString(lang);
  }

  function attach(field) {
    var limit = parseInt(field.getAttribute("data-char-limit"), 10);
    if (!limit) {
      return;
    }
    // What the eye reads, updated on every key; screen readers get the same words once typing pauses.
    var shown = document.createElement("p");
    shown.className = "char-count";
    shown.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", spoken);
    field.insertAdjacentElement("afterend", shown);
    var timer = null;

    function update(announce) {
      // Code points, as the server counts (len() in Python); a line break is one.
      var count = Array.from(field.value.replace(/\r\n?/g, "\n")).length;
      var over = count - limit;
      var values = { count: number(count), limit: number(limit), over: number(Math.max(over, 0)) };
      var text = fill(field.getAttribute(over > 0 ? "data-char-over" : "data-char-count"), values);
      shown.textContent = text;
      shown.classList.toggle("char-count--over", over > 0);
      window.clearTimeout(timer);
      if (announce) {
        timer = window.setTimeout(function () {
          spoken.textContent = text;
        }, 1000);
      }
    }

    field.addEventListener("input", function () {
      update(true);
    });
    update(false);
  }

  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-char-limit]"), attach);
})();
