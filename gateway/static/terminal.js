// The web terminal's viewer (gateway/terminal_web.py): attaches xterm.js to the terminal named in the
// page's fragment (#term-N) over the WebSocket /terminal/ws.  The browser's cookie authenticates the
// WebSocket; the page never sees the token.  Binary messages are the terminal's raw output; text messages
// are JSON events.  What is drawn is acknowledged, so the gateway sends no more than the browser keeps up
// with.  Typing is sent only when the gateway allows it (--terminal-write).
(function () {
  "use strict";
  var writable = document.body.dataset.writable === "true";
  var statusLine = document.getElementById("status");
  var mount = document.getElementById("terminal");
  var ws = null;
  var term = null;
  var offset = 0; // absolute offset of the next byte of output in the terminal's stream
  var info = "";

  function say(text, kind) {
    statusLine.textContent = text;
    statusLine.className = kind || "";
  }

  function markCurrent(id) {
    var rows = document.querySelectorAll("#terminals tbody tr");
    for (var i = 0; i < rows.length; i++) {
      var link = rows[i].querySelector("a");
      rows[i].className = link && link.getAttribute("href") === "#" + id ? "current" : "";
    }
  }

  function detach() {
    if (ws) { ws.onclose = null; ws.close(); ws = null; }
    if (term) { term.dispose(); term = null; }
  }

  function attach(id) {
    detach();
    markCurrent(id);
    term = new Terminal({ cols: 80, rows: 24, disableStdin: !writable, scrollback: 1000, cursorBlink: false,
                          fontSize: 14, theme: { background: "#000000" } });
    term.open(mount);
    // The worker's screen answers the program's status queries; xterm.js would answer them too, as typing,
    // and with --terminal-write the program would read two answers. The terminal behaves the same whether
    // a person watches or not: these are swallowed here (colour queries only, "?"; setting colours draws).
    [{ final: "n" }, { prefix: "?", final: "n" }, { final: "c" }, { prefix: ">", final: "c" },
     { prefix: "=", final: "c" }, { intermediates: "$", final: "p" }, { prefix: "?", intermediates: "$", final: "p" },
     { prefix: ">", final: "q" }].forEach(function (id) {
      term.parser.registerCsiHandler(id, function () { return true; });
    });
    term.parser.registerDcsHandler({ intermediates: "$", final: "q" }, function () { return true; });
    [4, 10, 11, 12].forEach(function (code) {
      term.parser.registerOscHandler(code, function (data) { return data.indexOf("?") !== -1; });
    });
    say("connecting to " + id + " ...");
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(scheme + location.host + "/terminal/ws");
    ws.binaryType = "arraybuffer";
    ws.onopen = function () { ws.send(JSON.stringify({ attach: id })); };
    ws.onmessage = function (event) {
      if (typeof event.data !== "string") {
        var bytes = new Uint8Array(event.data);
        offset += bytes.length;
        var drawn = offset;
        term.write(bytes, function () {
          if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify({ ack: drawn })); }
        });
        return;
      }
      var msg = JSON.parse(event.data);
      switch (msg.type) {
        case "hello":
          info = msg.terminal_id + " (session " + msg.session + "): " + msg.command;
          say(info + (writable ? " - you can type" : " - read-only"), writable ? "" : "readonly");
          break;
        case "size":
          offset = msg.offset;
          term.resize(msg.cols, msg.rows);
          break;
        case "dropped":
          offset = msg.offset;
          term.write("\r\n[... " + msg.bytes + " bytes the viewer missed ...]\r\n");
          break;
        case "status":
          if (msg.status !== "running") {
            say(info + " - " + msg.status + (msg.exit_code === null ? "" : " with code " + msg.exit_code), "ended");
          }
          break;
        case "ended":
          say(info + " - " + msg.reason, "ended");
          break;
        case "error":
          say(msg.message, "readonly");
          break;
      }
    };
    ws.onclose = function (event) {
      if (statusLine.className !== "ended" && statusLine.className !== "readonly") {
        say("disconnected" + (event.reason ? ": " + event.reason : ""), "ended");
      }
    };
    if (writable) {
      term.onData(function (data) {
        if (ws && ws.readyState === WebSocket.OPEN) { ws.send(new TextEncoder().encode(data)); }
      });
    } else {
      // xterm.js takes no input in a read-only terminal; say why instead of swallowing keys silently
      mount.addEventListener("keydown", function () {
        say(info + " - read-only: typing is off (the gateway's operator can allow it with --terminal-write)",
            "readonly");
      });
    }
    term.focus();
  }

  function fromFragment() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id) { attach(id); }
  }

  window.addEventListener("hashchange", fromFragment);
  fromFragment();
})();
