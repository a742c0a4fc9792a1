// A tiny x86-64 PV "kernel" for the metrics benchmark's many paused domains: an ELF64 image with
// the Xen ELF notes the domain builder (libxenguest's xc_dom_elfloader) requires and one 4 KiB
// page of `hlt; jmp .` at 1 MiB. It is only ever loaded by `xl create -p` and destroyed without
// running, so a domain needs a few MiB instead of the ~64 MiB the lab's Debian kernel (a 58 MiB
// image once decompressed) needs.
// Notes written (xen/include/public/elfnote.h): XEN_VERSION "xen-3.0" and LOADER "generic" (what
// libelf's elf_xen_note_check accepts for a non-Linux guest), GUEST_OS "xendeck-bench",
// VIRT_BASE 0, PADDR_OFFSET 0, ENTRY = the code's address.

const LOAD_ADDR = 0x100000;
const PAGE = 0x1000;

const XEN_ELFNOTE_ENTRY = 1;
const XEN_ELFNOTE_VIRT_BASE = 3;
const XEN_ELFNOTE_PADDR_OFFSET = 4;
const XEN_ELFNOTE_XEN_VERSION = 5;
const XEN_ELFNOTE_GUEST_OS = 6;
const XEN_ELFNOTE_LOADER = 8;

/** One ELF note named "Xen": namesz, descsz, type, "Xen\0", desc padded to 4 bytes. */
function note(type, desc) {
  const d = typeof desc === 'string' ? Buffer.from(`${desc}\0`) : desc;
  const pad = (n) => (n + 3) & ~3;
  const b = Buffer.alloc(12 + 4 + pad(d.length));
  b.writeUInt32LE(4, 0);
  b.writeUInt32LE(d.length, 4);
  b.writeUInt32LE(type, 8);
  b.write('Xen\0', 12, 'latin1');
  d.copy(b, 16);
  return b;
}

function u64(v) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
}

/** The image: ELF header, two program headers (PT_LOAD of the code page, PT_NOTE), notes, code. */
export function tinyPvKernel() {
  const notes = Buffer.concat([
    note(XEN_ELFNOTE_GUEST_OS, 'xendeck-bench'),
    note(XEN_ELFNOTE_XEN_VERSION, 'xen-3.0'),
    note(XEN_ELFNOTE_LOADER, 'generic'),
    note(XEN_ELFNOTE_VIRT_BASE, u64(0)),
    note(XEN_ELFNOTE_PADDR_OFFSET, u64(0)),
    note(XEN_ELFNOTE_ENTRY, u64(LOAD_ADDR)),
  ]);
  const ehSize = 64;
  const phSize = 56;
  const notesOff = ehSize + 2 * phSize;
  const codeOff = PAGE;
  const code = Buffer.alloc(PAGE);
  Buffer.from([0xf4, 0xeb, 0xfd]).copy(code); // hlt; jmp -3 (back to hlt)
  const out = Buffer.alloc(codeOff + PAGE);

  // ELF header (ELF64, little-endian, ET_EXEC, EM_X86_64).
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).copy(out, 0);
  out.writeUInt16LE(2, 16); // e_type ET_EXEC
  out.writeUInt16LE(62, 18); // e_machine EM_X86_64
  out.writeUInt32LE(1, 20); // e_version
  out.writeBigUInt64LE(BigInt(LOAD_ADDR), 24); // e_entry
  out.writeBigUInt64LE(BigInt(ehSize), 32); // e_phoff
  out.writeBigUInt64LE(0n, 40); // e_shoff: no section headers
  out.writeUInt32LE(0, 48); // e_flags
  out.writeUInt16LE(ehSize, 52);
  out.writeUInt16LE(phSize, 54);
  out.writeUInt16LE(2, 56); // e_phnum
  out.writeUInt16LE(64, 58); // e_shentsize
  out.writeUInt16LE(0, 60); // e_shnum
  out.writeUInt16LE(0, 62); // e_shstrndx

  const ph = (i, type, flags, off, addr, size, align) => {
    const o = ehSize + i * phSize;
    out.writeUInt32LE(type, o);
    out.writeUInt32LE(flags, o + 4);
    out.writeBigUInt64LE(BigInt(off), o + 8);
    out.writeBigUInt64LE(BigInt(addr), o + 16); // p_vaddr
    out.writeBigUInt64LE(BigInt(addr), o + 24); // p_paddr
    out.writeBigUInt64LE(BigInt(size), o + 32); // p_filesz
    out.writeBigUInt64LE(BigInt(size), o + 40); // p_memsz
    out.writeBigUInt64LE(BigInt(align), o + 48);
  };
  ph(0, 1, 5, codeOff, LOAD_ADDR, PAGE, PAGE); // PT_LOAD, R+X
  ph(1, 4, 4, notesOff, 0, notes.length, 4); // PT_NOTE, R
  notes.copy(out, notesOff);
  code.copy(out, codeOff);
  return out;
}
