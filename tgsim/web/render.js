/* Rendering of simulator messages as Telegram-like bubbles, built node by node (no HTML parsing). */
"use strict";

(function () {
  const TAGS = {
    b: "b", strong: "b", i: "i", em: "i", u: "u", ins: "u", s: "s", strike: "s", del: "s",
    code: "code", pre: "pre", blockquote: "blockquote", a: "a", span: "span",
    "tg-spoiler": "span", "tg-emoji": "span", "tg-time": "span",
  };
  const TAG_RE = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>/g;
  const NAMED = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", nbsp: "\u00a0" };
  const ICONS = {
    document: "\u{1F4C4}", video: "\u{1F3AC}", audio: "\u{1F3B5}", voice: "\u{1F3A4}",
    animation: "\u{1F39E}", video_note: "\u{1F3A5}", sticker: "\u{1F5BC}",
  };

  function decode(s) {
    return s.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ent) => {
      if (ent[0] === "#") {
        const hex = ent[1] === "x" || ent[1] === "X";
        const n = parseInt(ent.slice(hex ? 2 : 1), hex ? 16 : 10);
        return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole;
      }
      const key = ent.toLowerCase();
      return Object.prototype.hasOwnProperty.call(NAMED, key) ? NAMED[key] : whole;
    });
  }

  function attr(attrs, name) {
    const re = new RegExp(name + "\\s*=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+))", "i");
    const m = re.exec(attrs || "");
    return m ? decode(m[1] ?? m[2] ?? m[3] ?? "") : null;
  }

  function safeHref(href) {
    const h = (href || "").trim();
    return /^(https?:|tg:|mailto:)/i.test(h) ? h : null;
  }

  /* Telegram HTML (a whitelist of tags) to DOM nodes; everything else stays text. */
  function richText(html) {
    const root = document.createDocumentFragment();
    const stack = [{ name: "", node: root }];
    const top = () => stack[stack.length - 1].node;
    const addText = (s) => { if (s) top().appendChild(document.createTextNode(s)); };
    let pos = 0;
    let m;
    TAG_RE.lastIndex = 0;
    while ((m = TAG_RE.exec(html)) !== null) {
      addText(decode(html.slice(pos, m.index)));
      pos = TAG_RE.lastIndex;
      const name = m[2].toLowerCase();
      if (!TAGS[name]) { addText(m[0]); continue; }
      if (m[1]) {
        let i = stack.length - 1;
        while (i > 0 && stack[i].name !== name) i -= 1;
        if (i > 0) stack.length = i; else addText(m[0]);
        continue;
      }
      const node = document.createElement(TAGS[name]);
      if (name === "a") {
        const href = safeHref(attr(m[3], "href"));
        if (href) { node.href = href; node.target = "_blank"; node.rel = "noopener noreferrer"; }
      } else if (name === "tg-spoiler" || (name === "span" && /tg-spoiler/.test(m[3]))) {
        node.className = "spoiler";
        node.title = "spoiler";
        node.addEventListener("click", () => node.classList.add("shown"));
      } else if (name === "blockquote" && /expandable/.test(m[3])) {
        node.className = "expandable";
      }
      top().appendChild(node);
      stack.push({ name, node });
    }
    addText(decode(html.slice(pos)));
    return root;
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function fileUrl(fileId, download) {
    return "/sim/files/" + encodeURIComponent(fileId) + (download ? "?download=1" : "");
  }

  function size(n) {
    if (!n && n !== 0) return "";
    if (n < 1024) return n + " B";
    if (n < 1048576) return (n / 1024).toFixed(1) + " KB";
    return (n / 1048576).toFixed(1) + " MB";
  }

  function clock(ts) {
    const d = new Date(ts * 1000);
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  function media(msg, ctx) {
    const file = msg.file || {};
    const content = msg.content || {};
    if (msg.kind === "photo" && file.file_id) {
      const link = el("a", "photo-link");
      link.href = fileUrl(file.file_id);
      link.target = "_blank";
      link.rel = "noopener";
      const img = el("img", "photo");
      img.src = fileUrl(file.file_id);
      img.alt = "photo";
      img.dataset.testid = "photo";
      img.dataset.fileId = file.file_id;
      if (file.width && file.height) { img.width = file.width; img.height = file.height; }
      img.addEventListener("load", () => ctx.onMediaLoad && ctx.onMediaLoad());
      if (msg.protect_content) { img.draggable = false; link.removeAttribute("href"); }
      link.appendChild(img);
      return link;
    }
    if (ICONS[msg.kind] && file.file_id) {
      const name = file.file_name || msg.kind;
      const link = el("a", "doc");
      link.dataset.testid = "document";
      link.dataset.fileId = file.file_id;
      link.appendChild(el("span", "doc-icon", ICONS[msg.kind]));
      const info = el("span", "doc-info");
      info.appendChild(el("span", "doc-name", name));
      info.appendChild(el("span", "doc-size", [file.mime_type, size(file.file_size)]
        .filter(Boolean).join(" \u00b7 ")));
      link.appendChild(info);
      if (!msg.protect_content) { link.href = fileUrl(file.file_id, true); link.download = name; }
      return link;
    }
    if (content.contact) {
      const c = content.contact;
      const card = el("div", "contact");
      card.dataset.testid = "contact";
      card.appendChild(el("span", "doc-icon", "\u{1F464}"));
      card.appendChild(el("span", "", [c.first_name, c.last_name].filter(Boolean).join(" ") +
        "\n" + c.phone_number));
      return card;
    }
    if (content.location) {
      return el("div", "contact", "\u{1F4CD} " + content.location.latitude + ", " +
        content.location.longitude);
    }
    return null;
  }

  function inlineKeyboard(msg, ctx) {
    const rows = (msg.reply_markup && msg.reply_markup.inline_keyboard) || [];
    if (!rows.length) return null;
    const box = el("div", "inline-kb");
    box.dataset.testid = "inline-keyboard";
    for (const row of rows) {
      const line = el("div", "kb-row");
      for (const btn of row) {
        let node;
        const href = btn.url ? safeHref(btn.url) : null;
        if (href) {
          node = el("a", "kb-btn", btn.text + " \u2197");
          node.href = href;
          node.target = "_blank";
          node.rel = "noopener noreferrer";
        } else {
          node = el("button", "kb-btn", btn.text);
          node.type = "button";
          if (btn.callback_data !== undefined) {
            node.dataset.data = btn.callback_data;
            node.addEventListener("click", () => ctx.onClick(msg, btn, node));
          } else {
            node.disabled = true;
            node.title = "not supported in the playground";
          }
        }
        node.dataset.testid = "button";
        node.dataset.label = btn.text;
        line.appendChild(node);
      }
      box.appendChild(line);
    }
    return box;
  }

  /* One message: { msg (simulator JSON), ctx: {me, group, botName, userName, lookup, onClick} } */
  function messageElement(msg, ctx) {
    const mine = !msg.from_bot && msg.sender_id === ctx.me;
    const wrap = el("div", "msg " + (msg.from_bot ? "bot" : mine ? "me" : "other"));
    wrap.dataset.testid = "message";
    wrap.dataset.messageId = msg.message_id;
    wrap.dataset.from = msg.from_bot ? "bot" : "user";
    wrap.dataset.kind = msg.kind;
    if (msg.protect_content) wrap.classList.add("protected");
    const bubble = el("div", "bubble");
    if (ctx.group && !mine) {
      bubble.appendChild(el("div", "sender", msg.from_bot ? ctx.botName : ctx.userName(msg.sender_id)));
    }
    const quoted = msg.reply_to_message_id ? ctx.lookup(msg.reply_to_message_id) : null;
    if (quoted) {
      bubble.appendChild(el("div", "quote",
        (quoted.text || "[" + quoted.kind + "]").slice(0, 80)));
    }
    const body = media(msg, ctx);
    if (body) bubble.appendChild(body);
    if (msg.text) {
      const text = el("div", "text");
      text.dataset.testid = "message-text";
      if (msg.from_bot && msg.html) text.appendChild(richText(msg.html));
      else text.textContent = msg.text;
      bubble.appendChild(text);
    }
    const meta = el("div", "meta");
    if (msg.protect_content) {
      const lock = el("span", "lock", "\u{1F512}");
      lock.dataset.testid = "protected";
      lock.title = "Protected content: cannot be forwarded or saved";
      meta.appendChild(lock);
    }
    if (msg.edit_count) meta.appendChild(el("span", "edited", "edited"));
    meta.appendChild(el("time", "", clock(msg.date)));
    bubble.appendChild(meta);
    wrap.appendChild(bubble);
    const kb = inlineKeyboard(msg, ctx);
    if (kb) wrap.appendChild(kb);
    return wrap;
  }

  window.TgRender = { richText, messageElement, fileUrl, safeHref, decode, el };
})();
