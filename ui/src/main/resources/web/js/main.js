// The inspector's single page: the address picks the page (route.js), pages render into <main>, and keys go to
// the page on screen unless the user is typing.
import {h, fill} from './dom.js';
import * as route from './route.js';
import {sessionsPage} from './sessions-page.js';
import {sessionPage} from './session-page.js';
import {interceptPage} from './intercept-page.js';
import {rulesPage} from './rules-page.js';
import {watchRecordingLag} from './recording-lag.js';

const view = document.getElementById('view');
const crumbs = document.getElementById('crumbs');
const help = document.getElementById('help');
let page = null;

function show() {
  const r = route.parse(location.hash);
  if (page?.route(r)) return;
  page?.destroy();
  document.title = 'Sockscope';
  fill(crumbs, h('a', {href: '#/'}, 'Sessions'), r.page === 'session' ? [' / ', h('span', null, `Session ${r.id}`)] : null,
      r.page === 'intercept' ? [' / ', h('span', null, 'Intercept')] : null, r.page === 'rules' ? [' / ', h('span', null, 'Rules')] : null);
  page = r.page === 'session' ? sessionPage(view, r) : r.page === 'intercept' ? interceptPage(view)
      : r.page === 'rules' ? rulesPage(view) : sessionsPage(view, r);
}

window.addEventListener('popstate', show);
window.addEventListener('hashchange', show);

document.addEventListener('keydown', e => {
  if (e.ctrlKey || e.metaKey || e.altKey || help.open) return;
  const typing = e.target.closest?.('input, select, textarea, [contenteditable]');
  if (typing) {
    if (e.key === 'Escape') {
      e.target.blur();
      e.preventDefault();
    }
    return;
  }
  if ((e.key === 'Enter' || e.key === ' ') && e.target.closest?.('button, a, summary')) return;
  if (e.key === '?') {
    help.showModal();
    e.preventDefault();
    return;
  }
  if (page?.key(e)) e.preventDefault();
});
document.getElementById('help-button').addEventListener('click', () => help.showModal());

show();
watchRecordingLag(document.getElementById('recording-lag'));
