// despatch reader: small enhancements; every page works without them.
(function () {
  "use strict";

  // Footnotes open in place, right after their marker, and close with the marker,
  // the close button or Escape. Without JavaScript the marker links to the note.
  function closePop(marker) {
    var pop = document.getElementById(marker.getAttribute("aria-controls") || "");
    if (pop) pop.remove();
    marker.setAttribute("aria-expanded", "false");
    marker.removeAttribute("aria-controls");
  }

  function openPop(marker) {
    var noteId = marker.getAttribute("data-note");
    var note = document.getElementById(noteId);
    if (!note) return false;
    var text = note.querySelector(".note-text");
    var pop = document.createElement("span");
    pop.className = "fn-pop";
    pop.id = "pop-" + noteId;
    pop.setAttribute("role", "note");
    var close = document.createElement("button");
    close.type = "button";
    close.className = "fn-close";
    close.textContent = "Close ✕";
    close.addEventListener("click", function () { closePop(marker); marker.focus(); });
    var n = document.createElement("span");
    n.className = "fn-pop-n";
    n.textContent = (marker.textContent || "").trim() + ".";
    pop.appendChild(close);
    pop.appendChild(n);
    var body = text ? text.cloneNode(true) : document.createElement("span");
    body.removeAttribute("id");
    pop.appendChild(body);
    var more = document.createElement("a");
    more.href = "#" + noteId;
    more.className = "fn-goto small";
    more.textContent = "in the notes ↓";
    pop.appendChild(document.createTextNode(" "));
    pop.appendChild(more);
    var sup = marker.closest(".fnref") || marker;
    sup.insertAdjacentElement("afterend", pop);
    marker.setAttribute("aria-expanded", "true");
    marker.setAttribute("aria-controls", pop.id);
    return true;
  }

  document.addEventListener("click", function (ev) {
    var marker = ev.target.closest && ev.target.closest(".fnref a[data-note]");
    if (!marker) return;
    if (ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    ev.preventDefault();
    if (marker.getAttribute("aria-expanded") === "true") closePop(marker);
    else openPop(marker);
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    var open = document.querySelectorAll('.fnref a[aria-expanded="true"]');
    open.forEach(function (m) { closePop(m); });
    if (open.length) open[open.length - 1].focus();
  });

  // Copy the citation.
  document.querySelectorAll(".copy-btn[data-copy]").forEach(function (btn) {
    var src = document.getElementById(btn.getAttribute("data-copy"));
    if (!src) return;
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var done = function () { btn.textContent = "Copied"; setTimeout(function () { btn.textContent = "Copy citation"; }, 1800); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(src.value).then(done, function () { src.select(); });
      } else {
        src.focus(); src.select();
        try { document.execCommand("copy"); done(); } catch (e) { /* selected for the user */ }
      }
    });
  });

  // Brush the year histogram: drag across years to filter by a date range.
  document.querySelectorAll(".histogram-fig").forEach(function (fig) {
    var start = null, moved = false;
    var bars = Array.prototype.slice.call(fig.querySelectorAll(".bar-link"));
    function yearOf(el) {
      var a = el && el.closest ? el.closest(".bar-link") : null;
      return a ? a.getAttribute("data-label") : null;
    }
    function mark(a, b) {
      var lo = Math.min(a, b), hi = Math.max(a, b);
      bars.forEach(function (bar) {
        var y = +bar.getAttribute("data-label");
        bar.querySelector(".bar").classList.toggle("brushed", y >= lo && y <= hi);
      });
    }
    fig.addEventListener("pointerdown", function (ev) {
      var y = yearOf(ev.target);
      if (!y) return;
      start = +y; moved = false;
      fig.classList.add("brushing");
    });
    fig.addEventListener("pointermove", function (ev) {
      if (start === null) return;
      var el = document.elementFromPoint(ev.clientX, ev.clientY);
      var y = yearOf(el);
      if (y && +y !== start) { moved = true; mark(start, +y); }
    });
    fig.addEventListener("pointerup", function (ev) {
      if (start === null) return;
      var el = document.elementFromPoint(ev.clientX, ev.clientY);
      var end = +(yearOf(el) || start);
      fig.classList.remove("brushing");
      if (moved && end !== start) {
        var lo = Math.min(start, end), hi = Math.max(start, end);
        var q = (fig.getAttribute("data-query") || "").trim();
        q = (q + " date:" + lo + ".." + hi).trim();
        var params = new URLSearchParams({ q: q });
        var sort = fig.getAttribute("data-sort");
        if (sort && sort !== "relevance") params.set("sort", sort);
        window.location.href = "/search?" + params.toString();
      }
      start = null;
    });
    fig.addEventListener("click", function (ev) { if (moved) { ev.preventDefault(); moved = false; } }, true);
  });
})();
