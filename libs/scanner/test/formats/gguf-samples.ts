/** GGUF sample builder (little-endian v3 unless told otherwise) and the templates used by the tests. */
type KvValue = { t: 'str'; v: string } | { t: 'u32'; v: number } | { t: 'arr-str'; v: string[] } | { t: 'arr-u32'; v: number[] } | { t: 'raw'; type: number; bytes: Buffer };

export interface GgufSpec {
  version?: number;
  kv: [string, KvValue][];
  tensors: { name: string; dims: number[]; type: number; offset: number }[];
  dataBytes: number;
  alignment?: number;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
function u64(n: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

export function buildGguf(spec: GgufSpec): Buffer {
  const v = spec.version ?? 3;
  const cnt = (n: number | bigint): Buffer => (v === 1 ? u32(Number(n)) : u64(n));
  const str = (s: string): Buffer => {
    const b = Buffer.from(s, 'utf8');
    return Buffer.concat([cnt(b.length), b]);
  };
  const parts: Buffer[] = [Buffer.from('GGUF'), u32(v), cnt(spec.tensors.length), cnt(spec.kv.length)];
  for (const [key, val] of spec.kv) {
    parts.push(str(key));
    switch (val.t) {
      case 'str': parts.push(u32(8), str(val.v)); break;
      case 'u32': parts.push(u32(4), u32(val.v)); break;
      case 'arr-str': parts.push(u32(9), u32(8), cnt(val.v.length)); for (const x of val.v) parts.push(str(x)); break;
      case 'arr-u32': parts.push(u32(9), u32(4), cnt(val.v.length)); for (const x of val.v) parts.push(u32(x)); break;
      case 'raw': parts.push(u32(val.type), val.bytes); break;
    }
  }
  for (const t of spec.tensors) {
    parts.push(str(t.name), u32(t.dims.length), ...t.dims.map((d) => (v === 1 ? u32(d) : u64(d))), u32(t.type), u64(t.offset));
  }
  const head = Buffer.concat(parts);
  const align = spec.alignment ?? 32;
  const pad = (align - (head.length % align)) % align;
  return Buffer.concat([head, Buffer.alloc(pad), Buffer.alloc(spec.dataBytes, 7)]);
}

/** Simplified ChatML / Llama-2 / Zephyr style templates written for these tests (structure of real ones). */
export const BENIGN_TEMPLATES: Record<string, string> = {
  chatml: "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
  llama2: "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' ' + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}",
  zephyr: "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}",
  namespaced: "{% set ns = namespace(found=false) %}{% for m in messages %}{% if m.role == 'system' %}{% set ns.found = true %}{% endif %}{{ m.content | trim }}{% endfor %}{{ messages | length }}",
};

/** One template per SSTI technique (payload strings are inert here: nothing renders them). */
export const MALICIOUS_TEMPLATES: Record<string, string> = {
  'class-mro-subclasses': "{{ ''.__class__.__mro__[1].__subclasses__() }}",
  'globals-builtins': "{{ self.__init__.__globals__.__builtins__['__import__']('os').popen('id').read() }}",
  'cycler-gadget': "{% for m in messages %}{{ cycler.__init__.__globals__.os.popen('id').read() }}{% endfor %}",
  'joiner-gadget': '{{ joiner.__init__.__globals__ }}',
  'lipsum-gadget': "{{ lipsum.__globals__['os'].popen('id') }}",
  'namespace-init': '{{ namespace.__init__.__globals__ }}',
  'request-application': '{{ request.application.__globals__ }}',
  'attr-filter-escapes': "{{ messages|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
  'attr-call': "{{ attr(x, 'y') }}",
  'tilde-dunder-building': "{% set u = '_' ~ '_' %}{{ messages|attr(u ~ 'class' ~ u) }}",
  'format-dunder-building': "{% set u = '%c'|format(95) %}{{ u }}",
  'eval-call': "{{ eval('1+1') }}",
  'exec-call': "{{ exec('import os') }}",
  'os-module': "{{ x.os.system('id') }}",
  'import-keyword': '{{ __import__("os") }}',
  'split-literal': "{{ messages['__cla' 'ss__'] }}",
};
