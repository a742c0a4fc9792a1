/**
 * Checks of what a person types in the Resources tab before anything is sent: whole numbers
 * within a range (memory MiB, vCPUs, weight, cap) and CPU lists (read by @xendeck/xl-config's
 * `parseCpumap`, the parser the server uses). The server checks again; these say it at the field.
 */
import { parseCpumap } from '@xendeck/xl-config';

export type NumberCheck = { ok: true; value: number } | { ok: false; message: string };

/** `input` as a whole number within `min..max` (inclusive); the message names `what` and the range. */
export function checkWholeNumber(
  input: string,
  min: number,
  max: number,
  what: string,
): NumberCheck {
  const text = input.trim();
  if (text === '') return { ok: false, message: `Enter ${what}.` };
  if (!/^\d+$/.test(text)) return { ok: false, message: `${what} is a whole number.` };
  const value = Number(text);
  if (value < min || value > max) {
    return { ok: false, message: `${what} is ${min}–${max}; ${value} is outside.` };
  }
  return { ok: true, value };
}

export type CpuListCheck = { ok: true; text: string } | { ok: false; message: string };

/** A CPU list (`all`, `0-1,3`) against a host of `hostCpus` pCPUs; `text` is the input trimmed. */
export function checkCpuList(input: string, hostCpus: number): CpuListCheck {
  const text = input.trim();
  const r = parseCpumap(text, hostCpus);
  return r.ok ? { ok: true, text } : { ok: false, message: r.message };
}
