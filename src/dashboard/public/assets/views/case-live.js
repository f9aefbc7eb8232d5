/**
 * Working together on a case: who the signed-in person is (an agent of the workspace, chosen once
 * in this browser), who else is viewing the case or typing a reply (live from the presence
 * stream), and this agent's own heartbeats.
 */
import { api, followStream } from '../api.js';
import { clear, h, select } from '../dom.js';
import { t } from '../i18n.js';
import { workspace } from '../state.js';

const ME_STORAGE = 'ouvidor.agentId';
/** The API keeps a heartbeat 30 s; renewing every 10 s survives a late one. */
const HEARTBEAT_MS = 10_000;
/** Typing stops counting this long after the last key. */
const TYPING_IDLE_MS = 4_000;

/** The agent this browser works as, when it is one of the workspace's. */
export function myAgentId() {
  const id = localStorage.getItem(ME_STORAGE);
  return id && workspace.agents.some((a) => a.id === id) ? id : null;
}

export function setMyAgentId(id) {
  if (id) localStorage.setItem(ME_STORAGE, id);
  else localStorage.removeItem(ME_STORAGE);
}

/** "You are: <agent>": whose presence the case view shows and whom `a` assigns to. */
export function meSelect(onChange) {
  return h(
    'label',
    { class: 'field me' },
    h('span', {}, t('live.me')),
    select(
      {
        id: 'me-agent',
        onchange: (e) => {
          setMyAgentId(e.target.value || null);
          onChange?.(e.target.value || null);
        },
      },
      [['', t('live.meNone')], ...workspace.agents.map((a) => [a.id, a.name])],
      myAgentId() ?? '',
    ),
  );
}

/**
 * The presence bar of a case: colleagues viewing and typing (not this agent), kept live. With an
 * agent chosen, sends this agent's heartbeats: viewing, or typing while `replyBox` gets keys.
 * Returns the bar, `watchTyping(textarea)` for the reply box (redrawn with the case) and `stop()`.
 */
export function casePresence(caseId, ctx) {
  const bar = h('div', { class: 'presence-bar', id: 'case-presence', role: 'status', 'aria-live': 'polite' });
  const abort = new AbortController();
  let state = 'viewing';
  let idle = null;
  let present = [];

  const draw = () => {
    const me = myAgentId();
    const others = present.filter((p) => p.agentId !== me);
    const typing = others.filter((p) => p.state === 'typing');
    const viewing = others.filter((p) => p.state !== 'typing');
    clear(bar).append(
      ...typing.map((p) =>
        h('span', { class: 'presence typing', dataset: { agentId: p.agentId } }, t('live.typing', { name: p.agentName })),
      ),
      ...viewing.map((p) =>
        h('span', { class: 'presence viewing', dataset: { agentId: p.agentId } }, t('live.viewing', { name: p.agentName })),
      ),
      me ? null : h('span', { class: 'muted' }, t('live.chooseMe')),
    );
    bar.hidden = others.length === 0 && !!me;
  };

  const beat = async () => {
    const me = myAgentId();
    if (!me || abort.signal.aborted) return;
    try {
      const res = await api.post(`/cases/${encodeURIComponent(caseId)}/presence`, { agentId: me, state });
      if (!abort.signal.aborted) {
        present = res.data;
        draw();
      }
    } catch (err) {
      if (ctx.alive()) ctx.showError(err);
    }
  };
  const setState = (next) => {
    if (next === state) return;
    state = next;
    void beat();
  };

  followStream(`/cases/${encodeURIComponent(caseId)}/presence/stream`, undefined, {
    onEvent: (type, data) => {
      if (type !== 'presence' || !Array.isArray(data)) return;
      present = data;
      draw();
    },
    signal: abort.signal,
  });
  const timer = setInterval(() => void beat(), HEARTBEAT_MS);
  void beat();
  draw();

  return {
    bar,
    /** Typing in the reply box counts as typing until TYPING_IDLE_MS without a key. */
    watchTyping(textarea) {
      textarea.addEventListener('input', () => {
        setState('typing');
        clearTimeout(idle);
        idle = setTimeout(() => setState('viewing'), TYPING_IDLE_MS);
      });
    },
    /** After a reply is sent: back to viewing at once. */
    doneTyping() {
      clearTimeout(idle);
      setState('viewing');
    },
    /** The agent chosen changed: beat as them now. */
    meChanged() {
      draw();
      void beat();
    },
    stop() {
      abort.abort();
      clearInterval(timer);
      clearTimeout(idle);
    },
  };
}
