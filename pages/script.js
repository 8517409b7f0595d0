// The pages' only script, put inline. Without it every text is listed; with it each visitor gets one text
// per network (picked at random, or #variant=N), a button for another, and Mastodon links to their server
// (named in the form, remembered on this device, or given as #mastodon=SERVER).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var fixed = /(?:^|[#&])variant=(\d+)/.exec(location.hash);
  function random(n) {
    var a = new Uint32Array(1);
    window.crypto.getRandomValues(a);
    return a[0] % n;
  }
  function pick(list, index) {
    var items = list.querySelectorAll("li");
    for (var i = 0; i < items.length; i++) { items[i].hidden = i !== index; }
    list.setAttribute("data-picked", String(index));
  }
  document.querySelectorAll("ol[data-variants]").forEach(function (list) {
    var count = list.querySelectorAll("li").length;
    if (count < 2) { return; }
    var index = fixed ? Number(fixed[1]) % count : random(count);
    pick(list, index);
    var button = document.getElementById(list.id + "-next");
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        index = (index + 1) % count;
        pick(list, index);
      });
    }
  });
  window.addEventListener("beforeprint", function () {  // browsers without ::details-content print letters open too
    document.querySelectorAll("details").forEach(function (details) { details.open = true; });
  });
  var form = document.getElementById("mastodon-form");
  if (!form) { return; }
  var input = document.getElementById("mastodon-server");
  function server(text) {
    var s = String(text || "").trim().replace(/^https?:\/\//i, "").replace(/\/.*$/, "");
    if (s.indexOf("@") !== -1) { s = s.split("@").pop(); }
    return /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$/i.test(s) ? s.toLowerCase() : "";
  }
  function apply(name) {
    document.querySelectorAll("a[data-mastodon-text]").forEach(function (link) {
      if (name) {
        link.href = "https://" + name + "/share?text=" + encodeURIComponent(link.getAttribute("data-mastodon-text"));
        link.hidden = false;
      } else {
        link.removeAttribute("href");
        link.hidden = true;
      }
    });
  }
  var saved = "";
  try { saved = server(window.localStorage.getItem("advocate.mastodon")); } catch (e) { saved = ""; }
  var given = /(?:^|[#&])mastodon=([^&]+)/.exec(location.hash);  // a link may name the server: #mastodon=example.social
  if (given) { saved = server(decodeURIComponent(given[1])) || saved; }
  form.hidden = false;
  input.value = saved;
  apply(saved);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var name = server(input.value);
    input.setAttribute("aria-invalid", name ? "false" : "true");
    try { window.localStorage.setItem("advocate.mastodon", name); } catch (e) { /* private mode: this page only */ }
    apply(name);
  });
}());
