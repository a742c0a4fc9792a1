; system.asm: the installed system, a 512-byte MBR. The installer writes it to LBA 0 of the
; first disk; SeaBIOS loads it at 0000:7C00 and it prints the greeting (texts.inc, generated from
; lab/src/installer-texts.ts) on the screen and COM1, then halts for good (sti; hlt; jmp).
bits 16
org 0x7C00
%include "io.inc"

start:
  BOOT_PROLOGUE
  call newline
  mov si, xd_greeting
  call putln
.halt:
  sti
  hlt
  jmp .halt

IO_ROUTINES
%include "texts.inc"

times 510 - ($ - $$) db 0
dw 0xAA55
