// The Compose tab of a session: sends a message into a live session (POST /api/sessions/{id}/send) toward the client
// or the server: text, binary in hex, a ping, or a close. Resend on a frame opens it here with that frame's payload.
import {api} from './api.js';
import {h, fill, notice} from './dom.js';
import * as hex from './hex-edit.js';

/** Fills `pane` for session `session`; `resend` is a frame to start from (or null). */
export function composePanel(pane, session, resend) {
  const target = h('input', {type: 'number', id: 'compose-session', value: String(session.id), min: 1, size: 6, 'aria-label': 'Session'});
  const to = h('select', {id: 'compose-to', 'aria-label': 'To'},
      [['client', 'to the client'], ['server', 'to the server']].map(([v, t]) => h('option', {value: v}, t)));
  const type = h('select', {id: 'compose-type', 'aria-label': 'Type'},
      [['text', 'text'], ['binary', 'binary (hex)'], ['ping', 'ping'], ['close', 'close the session']].map(([v, t]) => h('option', {value: v}, t)));
  const body = h('textarea', {id: 'compose-body', rows: 8, cols: 70, spellcheck: 'false', 'aria-label': 'Message'});
  const code = h('input', {type: 'number', id: 'compose-code', value: '1000', min: 1000, max: 4999, 'aria-label': 'Close code'});
  const reason = h('input', {type: 'text', id: 'compose-reason', size: 20, placeholder: 'reason', 'aria-label': 'Close reason'});
  const closeFields = h('span', {hidden: true}, code, ' ', reason);
  const send = h('button', {type: 'submit', id: 'compose-send'}, 'Send');
  const result = h('div', {id: 'compose-result', 'aria-live': 'polite'});
  const form = h('form', {class: 'compose-form', id: 'compose-form', 'aria-label': 'Send into a live session'},
      h('div', {class: 'toolbar'}, h('label', null, 'Session ', target), to, type, closeFields, send), body);
  fill(pane, session.open === false ? notice('info', 'This session is closed', 'Send into another live session: change the session number.') : null,
      form, result);
  type.addEventListener('change', () => {
    closeFields.hidden = type.value !== 'close';
    body.hidden = type.value === 'close';
  });
  if (resend) {
    to.value = resend.from === 'client' ? 'server' : 'client';
    if (resend.type === 'text') {
      body.value = resend.text ?? '';
    } else if (resend.type === 'binary') {
      type.value = 'binary';
      body.value = hex.format(hex.decode64(resend.base64));
    }
  }
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const message = {to: to.value};
    try {
      if (type.value === 'text') message.text = body.value;
      else if (type.value === 'binary') message.base64 = hex.encode64(hex.parse(body.value));
      else if (type.value === 'ping') message.ping = body.value;
      else {
        message.close = Number(code.value);
        message.reason = reason.value;
      }
      send.disabled = true;
      const r = await api.send(Number(target.value), message);
      fill(result, notice('ok', r.seq === null || r.seq === undefined ? 'Closing the session' : `Sent as frame #${r.seq}`));
    } catch (err) {
      fill(result, notice('error', 'Not sent', err.message));
    } finally {
      send.disabled = false;
    }
  });
}
