/* Small page helpers for the playground: HTTP, toasts, alerts, pickers, reply keyboards. */
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);

  /* GET (no body), POST JSON (object) or POST multipart (FormData); throws on HTTP errors. */
  async function api(path, body, signal) {
    const init = { signal };
    /* The header proves the call comes from this page (a cross-site form cannot set it). */
    if (body instanceof FormData) {
      Object.assign(init, { method: "POST", body, headers: { "X-Sim-Request": "1" } });
    } else if (body !== undefined) {
      Object.assign(init, { method: "POST", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", "X-Sim-Request": "1" } });
    }
    const r = await fetch(path, init);
    const data = await r.json().catch(() => null);
    if (!r.ok) {
      throw Object.assign(new Error((data && data.error) || r.status + " " + r.statusText),
        { status: r.status });
    }
    return data;
  }

  const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

  let toastTimer = null;
  function toast(text) {
    const box = $("toast");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, 3000);
  }

  function showAlert(text) {
    $("alert-text").textContent = text;
    $("alert").hidden = false;
    $("alert-ok").focus();
  }

  function fill(select, items, value, empty) {
    select.replaceChildren(...items.map(([v, label]) => new Option(label, String(v))));
    if (!items.length) select.appendChild(new Option(empty, ""));
    select.value = value === null ? "" : String(value);
  }

  function setStatus(online) {
    $("status").classList.toggle("offline", !online);
    $("status").title = online ? "connected" : "reconnecting\u2026";
    $("status").dataset.state = online ? "online" : "offline";
  }

  /* The reply keyboard in force: the last one a bot message set, until removed or used once. */
  function currentKeyboard(messages, actorId) {
    let kb = null;
    const ids = [...messages.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      const m = messages.get(id);
      const markup = m.reply_markup;
      if (m.from_bot && markup && markup.keyboard) kb = markup;
      else if (m.from_bot && markup && markup.remove_keyboard) kb = null;
      else if (!m.from_bot && kb && kb.one_time_keyboard && m.sender_id === actorId) kb = null;
    }
    return kb;
  }

  /* Draw `kb` into #reply-keyboard; onText(text) for plain buttons, onContact() for contact. */
  function renderReplyKeyboard(kb, onText, onContact) {
    const box = $("reply-keyboard");
    box.replaceChildren();
    box.hidden = !kb;
    $("message-input").placeholder = (kb && kb.input_field_placeholder) ||
      "Message (Enter to send)";
    if (!kb) return;
    for (const row of kb.keyboard) {
      const line = window.TgRender.el("div", "kb-row");
      for (const raw of row) {
        const btn = typeof raw === "string" ? { text: raw } : raw;
        const label = (btn.request_contact ? "\u{1F4DE} " : "") + btn.text;
        const node = window.TgRender.el("button", "kb-btn", label);
        node.type = "button";
        node.dataset.testid = "reply-button";
        node.dataset.label = btn.text;
        if (btn.request_contact) node.dataset.request = "contact";
        node.addEventListener("click", () => (btn.request_contact ? onContact()
          : onText(btn.text)));
        line.appendChild(node);
      }
      box.appendChild(line);
    }
  }

  /* The composer's text, taken out of it. */
  function takeInput() {
    const box = $("message-input");
    const text = box.value;
    box.value = "";
    box.style.height = "";
    return text;
  }

  /* Enter sends (Shift+Enter: new line); the box grows with its text up to the CSS maximum. */
  function bindComposer(onSend) {
    const box = $("message-input");
    $("composer").addEventListener("submit", (e) => {
      e.preventDefault();
      onSend(takeInput());
    });
    box.addEventListener("input", () => {
      box.style.height = "auto";
      box.style.height = box.scrollHeight + "px";
    });
    box.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        $("composer").requestSubmit();
      }
    });
  }

  /* The open chat's messages, drawn in message_id order; edits replace, deletes remove. */
  class MessageList {
    constructor(box, ctx) {
      Object.assign(this, { box, ctx, messages: new Map(), nodes: new Map(), nearBottom: true });
      box.addEventListener("scroll", () => {
        this.nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
      });
    }

    clear() {
      this.messages.clear();
      this.nodes.clear();
      this.box.replaceChildren();
      this.nearBottom = true;
    }

    upsert(msg) {
      const prev = this.messages.get(msg.message_id);
      if (prev && prev.version >= msg.version) return;
      const old = this.nodes.get(msg.message_id);
      this.messages.set(msg.message_id, msg);
      if (msg.deleted) {
        if (old) old.remove();
        this.nodes.delete(msg.message_id);
        return;
      }
      const node = window.TgRender.messageElement(msg, this.ctx());
      this.nodes.set(msg.message_id, node);
      if (old) {
        old.replaceWith(node);
        if (prev && msg.edit_count > prev.edit_count) node.classList.add("flash");
        return;
      }
      const next = [...this.nodes.entries()].filter(([id]) => id > msg.message_id)
        .sort((a, b) => a[0] - b[0])[0];
      this.box.insertBefore(node, next ? next[1] : null);
    }

    stick(force) {
      if (force || this.nearBottom) this.box.scrollTop = this.box.scrollHeight;
    }
  }

  window.TgUi = {
    api, sleep, toast, showAlert, fill, setStatus, currentKeyboard, renderReplyKeyboard,
    MessageList, takeInput, bindComposer,
  };
})();
