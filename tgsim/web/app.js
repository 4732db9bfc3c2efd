/* The playground: act as a simulated person (or a staff member in a group) against the bot. */
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const R = window.TgRender;
  const U = window.TgUi;
  const { api, sleep, toast, showAlert, fill, setStatus } = U;
  const S = {
    view: "person", users: [], chats: [], bot: {}, userId: null, groupId: null, staffId: null,
    after: 0, poll: null, gen: 0, roster: "",
  };
  const list = new U.MessageList($("messages"), () => ctx());

  const chatId = () => (S.view === "person" ? S.userId : S.groupId);
  const actorId = () => (S.view === "person" ? S.userId : S.staffId);
  const userById = (id) => S.users.find((u) => u.id === id);
  const userName = (id) => {
    const u = userById(id);
    return u ? [u.first_name, u.last_name].filter(Boolean).join(" ") : "user " + id;
  };
  const groups = () => S.chats.filter((c) => c.type !== "private");
  const group = () => groups().find((c) => c.id === S.groupId);

  /* Keep the selection valid (first person, first group, first admin) and redraw the pickers. */
  function fillPickers() {
    if (!userById(S.userId)) S.userId = S.users.length ? S.users[0].id : null;
    if (!group()) S.groupId = groups().length ? groups()[0].id : null;
    const g = group();
    const staff = g ? [...g.admins, ...g.members.filter((id) => !g.admins.includes(id))] : [];
    if (!staff.includes(S.staffId)) S.staffId = staff.length ? staff[0] : null;
    fill($("person-select"), S.users.map((u) => [u.id, userName(u.id) + " \u00b7 " + u.id]),
      S.userId, "(no people yet)");
    fill($("group-select"), groups().map((c) => [c.id, c.title || String(c.id)]), S.groupId,
      "(no groups yet)");
    fill($("staff-select"), staff.map((id) => [id, (g.admins.includes(id) ? "\u2605 " : "") +
      userName(id)]), S.staffId, "(no members)");
  }

  async function loadState() {
    const st = await api("/sim/state");
    S.users = st.users;
    S.chats = st.chats;
    S.bot = st.bot;
    S.roster = st.roster;
    fillPickers();
  }

  function save() {
    const hash = S.view === "person" ? "user=" + (S.userId || "")
      : "view=staff&group=" + (S.groupId || "") + "&as=" + (S.staffId || "");
    history.replaceState(null, "", "#" + hash);
  }

  function renderHead() {
    const bot = "@" + (S.bot.username || "bot");
    let title = "No chat yet: create a person";
    if (S.view === "person" && S.userId) title = bot + " \u2014 you are " + userName(S.userId);
    if (S.view === "staff") {
      title = group() ? group().title + " \u2014 as " + (S.staffId ? userName(S.staffId) : "?")
        : "No staff group yet";
    }
    $("chat-title").textContent = title;
  }

  const ctx = () => ({
    me: actorId(), group: S.view === "staff", botName: S.bot.username || "bot", userName,
    lookup: (id) => list.messages.get(id), onClick: clickButton, onMediaLoad: () => list.stick(),
  });

  function apply(msgs) {
    if (!msgs.length) return;
    for (const msg of msgs) list.upsert(msg);
    renderKeyboard();
    list.stick(msgs.some((m) => !m.from_bot && m.sender_id === actorId()));
  }

  function renderKeyboard() {
    U.renderReplyKeyboard(U.currentKeyboard(list.messages, actorId()), sendText, shareContact);
  }

  /* People, groups or members changed: redraw the pickers, reopen if the chat changed. */
  async function refreshRoster() {
    const before = chatId() + "/" + actorId();
    await loadState();
    if (chatId() + "/" + actorId() !== before) openChat(); else renderHead();
  }

  /* Long-poll /sim/events (this chat + roster); back off 1 s .. 30 s while the server is away. */
  async function pollLoop(gen, chat) {
    let delay = 0;
    let failed = false;
    while (gen === S.gen) {
      const ctrl = new AbortController();
      S.poll = ctrl;
      const started = Date.now();
      try {
        if (failed) { // back again (or the chat is gone): re-read who exists first
          await refreshRoster();
          if (gen !== S.gen) return;
          failed = false;
          setStatus(true);
        }
        const q = (chat ? "chat_id=" + chat + "&" : "") + "after=" + S.after + "&roster=" +
          encodeURIComponent(S.roster) + "&timeout=25";
        const r = await api("/sim/events?" + q, undefined, ctrl.signal);
        if (gen !== S.gen) return;
        setStatus(true);
        if (r.version < S.after) { openChat(); return; } // the simulator was restarted
        S.after = r.version;
        apply(r.messages);
        const news = r.messages.length || r.roster !== S.roster;
        if (r.roster !== S.roster) await refreshRoster();
        delay = news || Date.now() - started > 1000 ? 0 : 1000; // no busy loop on instant empties
      } catch (err) {
        if (gen !== S.gen) return;
        setStatus(false);
        failed = true;
        delay = Math.min(30000, delay ? delay * 2 : 1000);
      }
      if (delay) await sleep(delay);
    }
  }

  function openChat() {
    S.gen += 1;
    if (S.poll) S.poll.abort();
    Object.assign(S, { poll: null, after: 0 });
    list.clear();
    renderKeyboard();
    renderHead();
    save();
    const chat = chatId();
    for (const id of ["message-input", "send", "upload-photo", "upload-document"]) {
      $(id).disabled = !(chat && actorId());
    }
    if (!chat) {
      const hint = R.el("div", "empty", S.view === "person" ? "Create a person: \u201c+ Person\u201d."
        : "Create a staff group: \u201c+ Group\u201d.");
      hint.dataset.testid = "empty";
      $("messages").appendChild(hint);
    }
    pollLoop(S.gen, chat);
  }

  const target = () => ({ user_id: actorId(), chat_id: chatId() });

  async function run(action) {
    try { return await action(); } catch (err) { toast(err.message); return null; }
  }

  function sendText(text) {
    if (!text.trim() || !actorId()) return;
    return run(async () => apply([await api("/sim/send", { ...target(), text })]));
  }

  function shareContact() {
    const user = userById(actorId());
    let phone = user && user.phone_number;
    if (!phone) phone = window.prompt("Phone number to share", "+62812");
    if (!phone) return;
    return run(async () => {
      apply([await api("/sim/contact", { ...target(), phone_number: phone })]);
      if (user) user.phone_number = phone;
    });
  }

  async function clickButton(msg, btn, node) {
    node.classList.add("busy");
    const body = { ...target(), message_id: msg.message_id, data: btn.callback_data, timeout: 15 };
    const r = await run(() => api("/sim/click", body));
    node.classList.remove("busy");
    if (!r) return;
    if (!r.ok) toast(r.error || "no answer");
    else if (r.text && r.show_alert) showAlert(r.text);
    else if (r.text) toast(r.text);
    if (r && r.url) toast("\u2192 " + r.url);
  }

  function upload(kind, file) {
    const form = new FormData();
    form.append("user_id", actorId());
    form.append("chat_id", chatId());
    const caption = U.takeInput().trim();
    if (caption) form.append("caption", caption);
    form.append("file", file, file.name);
    return run(async () => apply([await api("/sim/" + kind, form)]));
  }

  async function createPerson(event) {
    event.preventDefault();
    const body = { first_name: $("new-person-name").value.trim(),
      language_code: $("new-person-lang").value, phone_number: $("new-person-phone").value.trim() };
    const user = await run(() => api("/sim/users", body));
    if (!user) return;
    $("person-form").reset();
    $("person-form").hidden = true;
    S.userId = user.id;
    await run(loadState);
    switchView("person");
    $("message-input").focus();
  }

  async function newStaff(groupId) {
    const name = window.prompt("Staff member's first name", "Staf");
    if (!name) return null;
    const user = await api("/sim/users", { first_name: name, language_code: "id" });
    if (groupId) await api("/sim/members", { chat_id: groupId, user_id: user.id, admin: true });
    return user;
  }

  async function newGroup() {
    const title = window.prompt("Group title", "Staf Rekrutmen Mitra");
    if (!title) return;
    await run(async () => {
      const staff = await newStaff(null);
      const g = await api("/sim/groups", { title, admin_ids: staff ? [staff.id] : [] });
      S.groupId = g.id;
      S.staffId = staff ? staff.id : null;
      await loadState();
      openChat();
    });
  }

  function switchView(view) {
    S.view = view;
    for (const [id, v] of [["view-person", "person"], ["view-staff", "staff"]]) {
      $(id).classList.toggle("active", v === view);
      $(id).setAttribute("aria-pressed", String(v === view));
    }
    $("person-controls").hidden = view !== "person";
    $("staff-controls").hidden = view !== "staff";
    if (view !== "person") $("person-form").hidden = true;
    fillPickers();
    openChat();
  }

  function bind() {
    $("view-person").addEventListener("click", () => switchView("person"));
    $("view-staff").addEventListener("click", () => switchView("staff"));
    for (const [id, key] of [["person-select", "userId"], ["group-select", "groupId"],
      ["staff-select", "staffId"]]) {
      $(id).addEventListener("change", (e) => {
        S[key] = Number(e.target.value) || null;
        fillPickers();
        openChat();
      });
    }
    $("new-person").addEventListener("click", () => {
      $("person-form").hidden = !$("person-form").hidden;
      if (!$("person-form").hidden) $("new-person-name").focus();
    });
    $("new-person-cancel").addEventListener("click", () => { $("person-form").hidden = true; });
    $("person-form").addEventListener("submit", createPerson);
    $("new-group").addEventListener("click", newGroup);
    $("add-staff").addEventListener("click", () => run(async () => {
      const user = await newStaff(S.groupId);
      if (user) { S.staffId = user.id; await loadState(); openChat(); }
    }));
    U.bindComposer(sendText);
    for (const kind of ["photo", "document"]) {
      const input = $("upload-" + kind + "-input");
      $("upload-" + kind).addEventListener("click", () => input.click());
      input.addEventListener("change", () => {
        if (input.files.length) upload(kind, input.files[0]);
        input.value = "";
      });
    }
    $("alert-ok").addEventListener("click", () => { $("alert").hidden = true; });
    $("toast").addEventListener("click", () => { $("toast").hidden = true; });
  }

  async function start() {
    bind();
    const hash = new URLSearchParams(location.hash.slice(1));
    S.userId = Number(hash.get("user")) || null;
    S.groupId = Number(hash.get("group")) || null;
    S.staffId = Number(hash.get("as")) || null;
    for (let delay = 1000; ; delay = Math.min(30000, delay * 2)) {
      try { await loadState(); break; } catch (err) { setStatus(false); await sleep(delay); }
    }
    setStatus(true);
    switchView(hash.get("view") === "staff" ? "staff" : "person");
  }

  start();
})();
