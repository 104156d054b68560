/*
 * Accessible names for what Django's admin scripts draw after the page loads (Django 5.2):
 * - the filter icon of a two-list selector (SelectFilter2.js) is a <span> with an aria-label and no
 *   role, which ARIA does not allow: it becomes an image with that label;
 * - a lookup (select2, the autocomplete fields) draws a combobox, a text box and a search field with
 *   no name: each is named after the field's own <label>; its "clear" cross, drawn inside a list,
 *   is hidden from assistive technology (Backspace clears the choice from the keyboard).
 * Widgets drawn later (an inline row added, a choice made) are handled as they appear.
 */
(function () {
    "use strict";

    function labelOf(select) {
        var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
        return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
    }

    function nameLookup(container) {
        var select = container.previousElementSibling;
        if (!select || select.tagName !== "SELECT") {
            return;
        }
        var name = labelOf(select);
        if (!name) {
            return;
        }
        container.querySelectorAll('[role="combobox"], [role="textbox"], .select2-search__field').forEach(function (el) {
            el.setAttribute("aria-label", name);
        });
    }

    function fix(root) {
        root.querySelectorAll(".selector .help-tooltip[aria-label]:not([role])").forEach(function (icon) {
            icon.setAttribute("role", "img");
        });
        root.querySelectorAll(".select2-container").forEach(nameLookup);
        root.querySelectorAll(".select2-selection__clear").forEach(function (cross) {
            cross.setAttribute("aria-hidden", "true");
        });
    }

    new MutationObserver(function () {
        fix(document);
    }).observe(document.documentElement, {childList: true, subtree: true});
    document.addEventListener("DOMContentLoaded", function () {
        fix(document);
    });
})();
