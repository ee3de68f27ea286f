import { decodeQuotedString, decodeRawUnicodeEscape, parseTextInt } from './string-decode';
import { FLOAT, type Value } from './values';
import type { Machine } from './vm-machine';
import { PickleError } from './pickle-errors';

/**
 * The opcodes of the text protocols (0/1), whose newline-terminated arguments may have to be read in: run as one
 * async step each, after the synchronous loop (pickle-vm.ts) has counted the opcode and read its byte.
 */
export async function lineOp(m: Machine, op: number, offset: number): Promise<void> {
  const a = m.a;
  const stack = m.stack;
  switch (op) {
    case 0x46: await a.line(offset); stack.push(FLOAT); return; // FLOAT
    case 0x49: case 0x4c: { // INT, LONG
      const r = parseTextInt(await a.line(offset));
      if (!r.ok) throw new PickleError('invalid integer literal', offset);
      stack.push({ k: 'int', v: r.v });
      return;
    }
    case 0x53: { // STRING
      const b = decodeQuotedString(Buffer.from(await a.line(offset), 'latin1'));
      if (!b) throw new PickleError('invalid STRING literal', offset);
      stack.push({ k: 'str', v: b.toString('latin1') });
      return;
    }
    case 0x56: { // UNICODE
      const s = decodeRawUnicodeEscape(Buffer.from(await a.line(offset), 'latin1'));
      if (s === undefined) throw new PickleError('invalid UNICODE literal', offset);
      stack.push({ k: 'str', v: s });
      return;
    }
    case 0x67: { // GET
      const g = m.get(parseTextInt(await a.line(offset)).v, offset);
      stack.push(g !== undefined ? g : await m.reget());
      return;
    }
    case 0x70: m.put(parseTextInt(await a.line(offset)).v, offset); return; // PUT
    case 0x63: case 0x69: { // GLOBAL, INST
      const module = await a.line(offset);
      const name = await a.line(offset);
      m.hooks.onImport(module, name, op === 0x63 ? 'GLOBAL' : 'INST', m.at(offset));
      const g: Value = { k: 'global', module, name };
      if (op === 0x63) stack.push(g);
      else {
        const args = m.popMark(offset);
        m.hooks.onCall(g, { k: 'tuple', items: args }, undefined, 'INST', m.at(offset));
        stack.push({ k: 'call', fn: g, args: { k: 'tuple', items: args }, op: 'INST' });
      }
      return;
    }
    case 0x50: stack.push({ k: 'persid', pid: { k: 'str', v: await a.line(offset) } }); return; // PERSID
    default:
      throw new PickleError(`invalid opcode 0x${op.toString(16).padStart(2, '0')}`, offset);
  }
}
