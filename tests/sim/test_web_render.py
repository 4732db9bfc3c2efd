"""render.js under Node with a tiny DOM: bot HTML is whitelisted, bubbles carry their test ids."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from tgsim.webui import WEB_DIR

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

# A minimal document: enough for render.js, serialised back to HTML to look at.
SHIM = r"""
class El {
  constructor(tag) { Object.assign(this, { tag, children: [], dataset: {}, cls: new Set() });
    this.classList = { add: (c) => this.cls.add(c) }; }
  set className(v) { this.cls = new Set(v.split(" ").filter(Boolean)); }
  appendChild(n) { if (n.tag === "#frag") this.children.push(...n.children);
    else this.children.push(n); return n; }
  set textContent(v) { this.children = [new Txt(v)]; }
  addEventListener() {}
  removeAttribute(name) { delete this[name]; }
  html() {
    const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;")
      .replace(/"/g, "&quot;");
    const attrs = Object.entries(this.dataset).map(([k, v]) =>
      ["data-" + k.replace(/[A-Z]/g, (m) => "-" + m.toLowerCase()), v]);
    for (const k of ["href", "src", "download", "target", "rel", "title", "disabled"]) {
      if (this[k] !== undefined) attrs.push([k, this[k]]);
    }
    if (this.cls.size) attrs.push(["class", [...this.cls].join(" ")]);
    return "<" + this.tag + attrs.map(([k, v]) => " " + k + '="' + esc(v) + '"').join("") +
      ">" + this.children.map((c) => c.html()).join("") + "</" + this.tag + ">";
  }
}
class Txt { constructor(t) { this.t = String(t); } html() {
  return this.t.replace(/&/g, "&amp;").replace(/</g, "&lt;"); } }
global.window = global;
global.document = { createElement: (t) => new El(t), createTextNode: (t) => new Txt(t),
  createDocumentFragment: () => new El("#frag") };
"""

RUN = r"""
require(process.argv[2]);
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const ctx = { me: 7, group: input.group, botName: "bot", userName: (id) => "user" + id,
  lookup: () => null, onClick: () => {} };
const out = input.messages.map((m) => TgRender.messageElement(m, ctx).html());
const holder = document.createElement("div");
holder.appendChild(TgRender.richText(input.html || ""));
console.log(JSON.stringify({ messages: out, html: holder.html() }));
"""


def render(messages: list[dict[str, Any]], html: str = "", group: bool = False,
           tmp_path: Any = None) -> dict[str, Any]:
    assert NODE is not None and tmp_path is not None
    script = tmp_path / "run.js"
    script.write_text(SHIM + RUN)
    done = subprocess.run(
        [NODE, str(script), str(WEB_DIR / "render.js")], check=True, capture_output=True,
        text=True, timeout=30,
        input=json.dumps({"messages": messages, "html": html, "group": group}))
    return json.loads(done.stdout)


def message(**fields: Any) -> dict[str, Any]:
    base = {"message_id": 5, "chat_id": 7, "from_bot": True, "sender_id": 1, "date": 0,
            "kind": "text", "text": None, "html": None, "reply_markup": None, "file": None,
            "protect_content": False, "edit_count": 0, "deleted": False, "version": 1,
            "content": {}, "reply_to_message_id": None}
    return {**base, **fields}


def test_bot_html_is_whitelisted(tmp_path: Any) -> None:
    source = ('<b>Halo</b> <i>x</i> <code>a&lt;b</code> <a href="https://bps.go.id">BPS</a> '
              '<a href="javascript:alert(1)">bad</a> <u>u</u> <tg-spoiler>s</tg-spoiler> '
              '&lt;script&gt;alert(1)&lt;/script&gt; <img src=x> &#128512;')
    out = render([], html=source, tmp_path=tmp_path)["html"]
    assert out.startswith("<div><b>Halo</b> <i>x</i> <code>a&lt;b</code> "
                          '<a href="https://bps.go.id" target="_blank" rel="noopener noreferrer">'
                          "BPS</a> <a>bad</a> <u>u</u> ")
    assert '<span title="spoiler" class="spoiler">s</span>' in out
    assert "&lt;script>alert(1)&lt;/script> &lt;img src=x> \U0001f600</div>" in out
    assert "<script" not in out and "<img" not in out


def test_bubbles_buttons_media_and_lock(tmp_path: Any) -> None:
    kb = {"inline_keyboard": [[{"text": "Lulus", "callback_data": "p:1"},
                               {"text": "Web", "url": "javascript:alert(1)"}]]}
    msgs = [
        message(text="Halo", html="<b>Halo</b>", reply_markup=kb),
        message(message_id=6, from_bot=False, sender_id=7, text="/start"),
        message(message_id=7, kind="photo", text="KTP", protect_content=True,
                file={"file_id": "PH1", "width": 800, "height": 600}),
        message(message_id=8, kind="document", from_bot=False, sender_id=9, edit_count=1,
                file={"file_id": "DO1", "file_name": "cv.pdf", "mime_type": "application/pdf",
                      "file_size": 2048}),
    ]
    out = render(msgs, group=True, tmp_path=tmp_path)["messages"]
    assert out[0].startswith('<div data-testid="message" data-message-id="5" data-from="bot"')
    assert "<b>Halo</b>" in out[0]
    assert ('<button data-data="p:1" data-testid="button" data-label="Lulus" class="kb-btn">'
            "Lulus</button>") in out[0]
    assert 'data-label="Web" title="not supported in the playground" disabled="true"' in out[0]
    assert 'class="msg me"' in out[1] and "sender" not in out[1]
    assert 'data-testid="protected"' in out[2] and 'class="msg bot protected"' in out[2]
    assert 'src="/sim/files/PH1"' in out[2] and 'data-testid="photo"' in out[2]
    assert 'href="/sim/files/DO1?download=1" download="cv.pdf"' in out[3]
    assert "user9" in out[3] and "application/pdf · 2.0 KB" in out[3] and "edited" in out[3]
