// The handshake panel: the upgrade request and response, the query, subprotocol and extensions, and what the
// decoder explained (JWT claims among them). Secrets arrive masked from the API.
import {h, copyButton} from './dom.js';
import {jsonTree} from './json-tree.js';

export function handshakePanel(s) {
  const query = [...new URLSearchParams(s.query ?? '')];
  return h('section', {class: 'handshake', id: 'handshake'},
      h('div', {class: 'hs-line'},
          h('code', null, `GET ${s.path}${s.query ? `?${s.query}` : ''}`), ' → ',
          h('span', {class: `code ${s.status === 101 ? 'ok' : 'bad'}`}, String(s.status)),
          s.subprotocol ? [' · subprotocol ', h('code', null, s.subprotocol)] : null,
          s.extensions?.length ? [' · extensions ', h('code', null, s.extensions.join(', '))] : null),
      h('div', {class: 'hs-grid'},
          block('Request headers', headers(s.requestHeaders), () => lines(s.requestHeaders)),
          block('Response headers', headers(s.responseHeaders), () => lines(s.responseHeaders)),
          query.length ? block('Query', headers(query), () => s.query) : null,
          s.handshakeDecoded ? block('Decoded', h('div', {class: 'tree'}, jsonTree(s.handshakeDecoded, 8)),
              () => JSON.stringify(s.handshakeDecoded, null, 2)) : null),
      s.protocolReason ? h('p', {class: 'muted'}, `Protocol ${s.protocol}: ${s.protocolReason}`) : null);
}

function block(title, body, copy) {
  return h('div', {class: 'hs-block'}, h('h3', null, title, ' ', copyButton('Copy', copy)), body);
}

function headers(pairs) {
  if (!pairs?.length) return h('p', {class: 'muted'}, 'none');
  return h('table', {class: 'kv'}, h('tbody', null, pairs.map(([k, v]) => h('tr', null, h('th', null, k), h('td', null, v)))));
}

function lines(pairs) {
  return (pairs ?? []).map(([k, v]) => `${k}: ${v}`).join('\n');
}
