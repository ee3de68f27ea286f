"""Class 5 of issue 16: chat templates, in tokenizer_config.json (JSON-escaped), chat_template.jinja and GGUF.

Escapes are what unsandboxed Jinja2 renderers (llama-cpp-python < 0.2.72, CVE-2024-34359) turn into code
execution; every payload builds its dunder names so that no `__x__` word appears in the file. Benign templates
follow the structure of the tool-calling templates published with Llama 3.1, Qwen2.5, Mistral v0.3, Hermes 2 Pro
and DeepSeek-V2.5 (tokenizer_config.json `chat_template`), shortened.
"""
import json
import struct

ESC = [
    ('tilde_concat.json', '{% set u = "_" ~ "_" %}{% for m in messages %}{{ m.content }}{% endfor %}{{ messages|attr(u ~ "class" ~ u) }}',
     'Jinja2 `~` concatenation builds __class__; `|attr` is jinja2.filters.do_attr = getattr (CVE-2024-34359 class)'),
    ('attr_hex_escapes.jinja', "{% for m in messages %}{{ m['content'] }}{% endfor %}{{ messages|attr('\\x5f\\x5fclass\\x5f\\x5f')|attr('\\x5f\\x5fbase\\x5f\\x5f') }}",
     'Jinja2 string literals decode Python escapes (jinja2/lexer.py), so \\x5f\\x5f is "__"'),
    ('format_field.json', "{% for m in messages %}{{ '{0.role}: {0.content}'.format(m) }}{% endfor %}{{ '{0._TemplateReference__context}'.format(self) }}",
     'Python str.format walks attributes in its fields; Jinja2 ships SandboxedFormatter for this reason'),
    ('join_list.gguf', "{% for m in messages %}{{ m.content }}{% endfor %}{{ cycler[['_', '_in', 'it_', '_']|join][['_', '_glo', 'bals_', '_']|join].os.popen('id').read() }}",
     'GGUF tokenizer.chat_template rendered by llama-cpp-python Jinja2ChatFormatter; names joined from a list'),
    ('reverse_filter.json', "{% for m in messages %}{{ m.content }}{% endfor %}{{ lipsum[('_' * 2 ~ 'slabolg' ~ '_' * 2)|reverse]['os'] }}",
     'Jinja2 `*` repetition and `|reverse` (jinja2.filters.do_reverse) build __globals__ backwards'),
    ('percent_c.jinja', "{% set u = '%c%c'|format(95, 95) %}{% for m in messages %}{{ m.content }}{% endfor %}{{ (messages|first)[u ~ 'class' ~ u] }}",
     "Jinja2 `|format` is Python %-formatting: '%c' % 95 is '_' (jinja2.filters.do_format)"),
    ('replace_method.json', "{% for m in messages %}{{ m.content }}{% endfor %}{{ joiner['XXinitXX'.replace('X', '_')] }}",
     'str.replace called from the template (Jinja2 allows str methods) builds __init__'),
]

LLAMA31 = (
    '{{- bos_token }}\n{%- if custom_tools is defined %}{%- set tools = custom_tools %}{%- endif %}\n'
    '{%- if not tools_in_user_message is defined %}{%- set tools_in_user_message = true %}{%- endif %}\n'
    '{%- if not date_string is defined %}{%- set date_string = "26 Jul 2024" %}{%- endif %}\n'
    '{%- if messages[0][\'role\'] == \'system\' %}{%- set system_message = messages[0][\'content\']|trim %}'
    '{%- set messages = messages[1:] %}{%- else %}{%- set system_message = "" %}{%- endif %}\n'
    '{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}{%- if builtin_tools is defined or tools is not none %}'
    '{{- "Environment: ipython\\n" }}{%- endif %}{{- "Today Date: " + date_string + "\\n\\n" }}'
    '{{- system_message }}{{- "<|eot_id|>" }}\n'
    '{%- for message in messages %}{%- if not (message.role == \'ipython\' or message.role == \'tool\' or \'tool_calls\' in message) %}'
    '{{- \'<|start_header_id|>\' + message[\'role\'] + \'<|end_header_id|>\\n\\n\'+ message[\'content\'] | trim + \'<|eot_id|>\' }}'
    '{%- elif \'tool_calls\' in message %}{%- set tool_call = message.tool_calls[0].function %}'
    '{{- \'<|start_header_id|>assistant<|end_header_id|>\\n\\n\' -}}{{- \'{"name": "\' + tool_call.name + \'", \' }}'
    '{{- \'"parameters": \' }}{{- tool_call.arguments | tojson }}{{- "}" }}{{- "<|eot_id|>" }}'
    '{%- elif message.role == "tool" or message.role == "ipython" %}{{- "<|start_header_id|>ipython<|end_header_id|>\\n\\n" }}'
    '{%- if message.content is mapping or message.content is iterable %}{{- message.content | tojson }}{%- else %}'
    '{{- message.content }}{%- endif %}{{- "<|eot_id|>" }}{%- endif %}{%- endfor %}\n'
    '{%- if add_generation_prompt %}{{- \'<|start_header_id|>assistant<|end_header_id|>\\n\\n\' }}{%- endif %}\n')

QWEN25 = (
    '{%- if tools %}{{- \'<|im_start|>system\\n\' }}{%- if messages[0][\'role\'] == \'system\' %}{{- messages[0][\'content\'] }}'
    '{%- else %}{{- \'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.\' }}{%- endif %}'
    '{{- "\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\n<tools>" }}'
    '{%- for tool in tools %}{{- "\\n" }}{{- tool | tojson }}{%- endfor %}'
    '{{- "\\n</tools>\\n\\nFor each function call, return a json object within <tool_call></tool_call> XML tags<|im_end|>\\n" }}'
    '{%- endif %}{%- for message in messages %}'
    '{%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}'
    '{{- \'<|im_start|>\' + message.role + \'\\n\' + message.content + \'<|im_end|>\' + \'\\n\' }}'
    '{%- elif message.role == "assistant" %}{{- \'<|im_start|>\' + message.role }}{%- if message.content %}{{- \'\\n\' + message.content }}{%- endif %}'
    '{%- for tool_call in message.tool_calls %}{%- if tool_call.function is defined %}{%- set tool_call = tool_call.function %}{%- endif %}'
    '{{- \'\\n<tool_call>\\n{"name": "\' }}{{- tool_call.name }}{{- \'", "arguments": \' }}{{- tool_call.arguments | tojson }}'
    '{{- \'}\\n</tool_call>\' }}{%- endfor %}{{- \'<|im_end|>\\n\' }}'
    '{%- elif message.role == "tool" %}{%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}{{- \'<|im_start|>user\' }}{%- endif %}'
    '{{- \'\\n<tool_response>\\n\' }}{{- message.content }}{{- \'\\n</tool_response>\' }}'
    '{%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}{{- \'<|im_end|>\\n\' }}{%- endif %}{%- endif %}{%- endfor %}'
    '{%- if add_generation_prompt %}{{- \'<|im_start|>assistant\\n\' }}{%- endif %}\n')

MISTRAL03 = (
    '{%- if messages[0]["role"] == "system" %}{%- set system_message = messages[0]["content"] %}{%- set loop_messages = messages[1:] %}'
    '{%- else %}{%- set loop_messages = messages %}{%- endif %}{%- if not tools is defined %}{%- set tools = none %}{%- endif %}'
    '{%- set user_messages = loop_messages | selectattr("role", "equalto", "user") | list %}{{- bos_token }}'
    '{%- for message in loop_messages %}{%- if message["role"] == "user" %}'
    '{%- if tools is not none and (message == user_messages[-1]) %}{{- "[AVAILABLE_TOOLS] [" }}{%- for tool in tools %}'
    '{%- set tool = tool.function %}{{- \'{"type": "function", "function": {\' }}{%- for key, val in tool.items() if key != "return" %}'
    '{%- if val is string %}{{- \'"\' + key + \'": "\' + val + \'"\' }}{%- else %}{{- \'"\' + key + \'": \' + val|tojson }}{%- endif %}'
    '{%- if not loop.last %}{{- ", " }}{%- endif %}{%- endfor %}{{- "}}" }}{%- if not loop.last %}{{- ", " }}{%- else %}{{- "]" }}{%- endif %}'
    '{%- endfor %}{{- "[/AVAILABLE_TOOLS]" }}{%- endif %}{{- "[INST] " + message["content"] + "[/INST]" }}'
    '{%- elif message.tool_calls is defined and message.tool_calls is not none %}{{- "[TOOL_CALLS] [" }}'
    '{%- for tool_call in message.tool_calls %}{%- set out = tool_call.function|tojson %}{{- out[:-1] }}'
    '{%- if not tool_call.id is defined or tool_call.id|length != 9 %}{{- raise_exception("Tool call IDs should be alphanumeric strings with length 9!") }}{%- endif %}'
    '{{- \', "id": "\' + tool_call.id + \'"}\' }}{%- if not loop.last %}{{- ", " }}{%- else %}{{- "]" + eos_token }}{%- endif %}{%- endfor %}'
    '{%- elif message["role"] == "assistant" %}{{- " " + message["content"]|trim + eos_token}}'
    '{%- elif message["role"] == "tool_results" or message["role"] == "tool" %}{%- if message.content is defined and message.content.content is defined %}'
    '{%- set content = message.content.content %}{%- else %}{%- set content = message.content %}{%- endif %}'
    '{{- \'[TOOL_RESULTS] {"content": \' + content|string + ", " }}{{- \'"call_id": "\' + message.tool_call_id + \'"}[/TOOL_RESULTS]\' }}'
    '{%- else %}{{- raise_exception("Only user and assistant roles are supported!") }}{%- endif %}{%- endfor %}\n')

HERMES2PRO = (
    '{%- macro json_to_python_type(json_spec) %}{%- set basic_type_map = {"string": "str", "number": "float", "integer": "int", "boolean": "bool"} %}'
    '{%- if basic_type_map[json_spec.type] is defined %}{{- basic_type_map[json_spec.type] }}{%- elif json_spec.type == "array" %}'
    '{{- "list[" +  json_to_python_type(json_spec|items) + "]"}}{%- else %}{{- "Any" }}{%- endif %}{%- endmacro %}'
    '{{- bos_token }}{{- "<|im_start|>system\\nYou are a function calling AI model. <tools> " }}{%- for tool in tools %}'
    '{%- if tool.function is defined %}{%- set tool = tool.function %}{%- endif %}'
    '{{- \'{"type": "function", "function": \' }}{{- \'{"name": "\' + tool.name + \'", \' }}'
    '{{- \'"description": "\' + tool.name + \'(\' }}{%- for param_name, param_fields in tool.parameters.properties.items() %}'
    '{{- param_name + ": " + json_to_python_type(param_fields) }}{%- if not loop.last %}{{- ", " }}{%- endif %}{%- endfor %}'
    '{{- ")" }}{{- \'", "parameters": \' }}{{- tool.parameters|tojson }}{{- "}" }}{%- if not loop.last %}{{- "\\n" }}{%- endif %}{%- endfor %}'
    '{{- " </tools><|im_end|>\\n" }}{%- for message in messages %}{{- \'<|im_start|>\' + message.role + \'\\n\' + message.content + \'<|im_end|>\\n\' }}'
    '{%- endfor %}{%- if add_generation_prompt %}{{- \'<|im_start|>assistant\\n\' }}{%- endif %}\n')

DEEPSEEK25 = (
    "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}"
    "{% set ns = namespace(is_first=false, is_tool=false, is_output_first=true, system_prompt='') %}"
    "{%- for message in messages %}{%- if message['role'] == 'system' %}{% set ns.system_prompt = message['content'] %}{%- endif %}{%- endfor %}"
    "{{bos_token}}{{ns.system_prompt}}{%- for message in messages %}{%- if message['role'] == 'user' %}{%- set ns.is_tool = false -%}"
    "{{'<\uff5cUser\uff5c>' + message['content']}}{%- endif %}{%- if message['role'] == 'assistant' and message['content'] is none %}"
    "{%- set ns.is_tool = false -%}{%- for tool in message['tool_calls']%}{%- if not ns.is_first %}"
    "{{'<\uff5cAssistant\uff5c><\uff5ctool\u2581calls\u2581begin\uff5c><\uff5ctool\u2581call\u2581begin\uff5c>' + tool['type'] + '<\uff5ctool\u2581sep\uff5c>' + tool['function']['name'] + '\\n' + '```json' + '\\n' + tool['function']['arguments'] + '\\n' + '```' + '<\uff5ctool\u2581call\u2581end\uff5c>'}}"
    "{%- set ns.is_first = true -%}{%- endif %}{%- endfor %}{%- endif %}{%- endfor -%}"
    "{% if add_generation_prompt and not ns.is_tool %}{{'<\uff5cAssistant\uff5c>'}}{% endif %}")

BENIGN = [
    ('llama31_tools.json', LLAMA31, 'Llama 3.1 Instruct tokenizer_config.json chat_template (tool calling, date, ipython role), shortened'),
    ('qwen25_tools.json', QWEN25, 'Qwen2.5 Instruct tokenizer_config.json chat_template (<tools>, <tool_call>, tool responses)'),
    ('mistral03_tools.jinja', MISTRAL03, 'Mistral 7B Instruct v0.3 chat_template ([AVAILABLE_TOOLS], selectattr, raise_exception)'),
    ('hermes2pro_tool_use.json', HERMES2PRO, 'Hermes 2 Pro tool_use template (macro, dict literal, .items() over JSON schema)'),
    ('deepseek25.gguf', DEEPSEEK25, 'DeepSeek-V2.5 chat_template in GGUF metadata (namespace(), full-width tokens)'),
]


def tokenizer_config(template):
    # ensure_ascii=True, like transformers' tokenizer.save_pretrained (json.dumps default): non-ASCII and
    # control characters become \\uXXXX escapes that only a JSON decoder turns back into the template.
    return json.dumps({'add_bos_token': True, 'bos_token': '<s>', 'chat_template': template, 'model_max_length': 131072}, indent=2).encode()


def gguf(template):
    """GGUF v3 (ggml/docs/gguf.md): magic, version, tensor count, kv count, then key/type/value; no tensors."""
    def s(x):
        b = x.encode('utf8')
        return struct.pack('<Q', len(b)) + b
    kv = [('general.architecture', 'llama'), ('general.name', 'tiny'), ('tokenizer.chat_template', template)]
    out = b'GGUF' + struct.pack('<IQQ', 3, 0, len(kv))
    for k, v in kv:
        out += s(k) + struct.pack('<I', 8) + s(v)
    return out + b'\x00' * (-len(out) % 32)


def encode(file, template):
    if file.endswith('.json'):
        # Underscores as \\u005f too: the file never contains the characters the names are made of.
        return tokenizer_config(template).replace(b'_', b'\\u005f').replace(b'\\u005fbos\\u005f', b'_bos_')
    if file.endswith('.gguf'):
        return gguf(template)
    return template.encode()


def generate(corpus):
    for file, template, note in ESC:
        corpus.write(5, 'malicious/' + file, encode(file, template), 'malicious', None, note)
    for file, template, note in BENIGN:
        data = tokenizer_config(template) if file.endswith('.json') else encode(file, template)
        corpus.write(5, 'benign/' + file, data, 'clean', None, note)
    corpus.write(5, 'malformed/unclosed_block.jinja', b"{% for m in messages %}{{ m.content }}{% if m.role == 'user' %}",
                 'unscannable', 'template.unparseable', 'Jinja2 raises TemplateSyntaxError (unexpected end of template): nothing renders')
