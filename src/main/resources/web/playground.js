// The Playground: translate (encoder-decoder) or generate (decoder-only), tokens streamed as Server-Sent Events.
'use strict';

let mode = null;          // 'translate' or 'generate'
let abort = null;
const output = document.getElementById('output');
const tokens = document.getElementById('tokens');

/** Reads an SSE response body, calling onEvent(name, json) per event. */
async function readEvents(res, onEvent) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, {stream: true});
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.substring(0, end);
      buffer = buffer.substring(end + 2);
      let name = 'message', data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) name = line.substring(7);
        else if (line.startsWith('data: ')) data += line.substring(6);
      }
      onEvent(name, JSON.parse(data));
    }
  }
}

async function run() {
  const text = document.getElementById('input').value;
  const max = Number(document.getElementById('max').value);
  const body = mode === 'translate'
    ? {text: text, max_tokens: max, beam: Number(document.getElementById('beam').value), stream: true}
    : {prompt: text, max_new_tokens: max, stream: true};
  output.textContent = '';
  output.dataset.done = 'false';
  tokens.replaceChildren();
  document.getElementById('run').disabled = true;
  document.getElementById('stop').disabled = false;
  status(mode === 'translate' ? 'translating…' : 'generating…', 'busy');
  abort = new AbortController();
  const t0 = performance.now();
  try {
    const res = await fetch('/api/' + mode, {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(body), signal: abort.signal});
    if (!res.ok) {
      let msg = 'HTTP ' + res.status;
      try { msg = (await res.json()).error || msg; } catch (e) { /* keep the status */ }
      throw new Error(msg);
    }
    await readEvents(res, (name, ev) => {
      if (name === 'token') {
        output.textContent = (mode === 'generate' ? text : '') + ev.text;
        for (const t of tokens.querySelectorAll('.new')) t.classList.remove('new');
        tokens.append(el('span', {class: 'tok new', title: 'id ' + ev.id}, ev.token));
      } else if (name === 'done') {
        output.textContent = (mode === 'generate' ? text : '') + ev.text;
        if (tokens.children.length === 0) ev.tokens.forEach((t, i) => tokens.append(el('span', {class: 'tok', title: 'id ' + ev.ids[i]}, t)));
        output.dataset.done = 'true';
        status(ev.ids.length + ' tokens in ' + ((performance.now() - t0) / 1000).toFixed(2) + ' s (stopped by '
          + (ev.stop_reason === 'eos' ? 'end of sequence' : 'the token limit') + ')');
      } else if (name === 'error') {
        throw new Error(ev.error);
      }
    });
  } catch (e) {
    status(e.name === 'AbortError' ? 'stopped' : e.message, e.name === 'AbortError' ? '' : 'error');
  } finally {
    document.getElementById('run').disabled = false;
    document.getElementById('stop').disabled = true;
    abort = null;
  }
}

document.getElementById('run').onclick = run;
document.getElementById('stop').onclick = () => { if (abort) abort.abort(); };
document.getElementById('input').addEventListener('keydown', e => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) run(); });

(async () => {
  header('playground');
  try {
    const m = await model();
    const explain = document.getElementById('explain');
    document.getElementById('max').max = String(m.limits.max_new_tokens);
    document.getElementById('max').value = String(Math.min(32, m.limits.max_new_tokens));
    document.getElementById('beam').max = String(m.limits.max_beam);
    if (m.architecture === 'encoder_decoder') {
      mode = 'translate';
      explain.textContent = 'Translate: greedy decoding streams each token as it is produced; a beam wider than 1 answers at the end.';
      document.getElementById('run').textContent = 'Translate';
    } else if (m.architecture === 'decoder_only') {
      mode = 'generate';
      explain.textContent = 'Generate: the model continues your prompt greedily, one token at a time.';
      document.getElementById('run').textContent = 'Generate';
      document.getElementById('beam-label').style.display = 'none';
    } else {
      explain.textContent = 'This model is an encoder only: it neither translates nor generates (see the Attention page).';
      document.getElementById('run').disabled = true;
    }
    if (!m.tokenizer.encodes_text) status('This model has no tokenizer the server can read; use the API with "ids".', 'error');
  } catch (e) { status(e.message, 'error'); }
})();
