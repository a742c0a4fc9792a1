; system.asm: the installed system, a 512-byte MBR. The installer writes it to LBA 0 of the
; first disk; SeaBIOS loads it at 0000:7C00 and it prints the greeting (texts.inc, generated from
; lab/src/installer-texts.ts) on the screen and COM1, then halts for good (sti; hlt; jmp).
bits 16
org 0x7C00

start:
  cli
  xor ax, ax
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov sp, 0x7C00
  jmp 0:.go             ; CS = 0 whatever segment the BIOS jumped with
.go:
  sti
  cld
  call uart_init
  call newline
  mov si, xd_greeting
  call putln
.halt:
  sti
  hlt
  jmp .halt

%include "io.inc"
%include "texts.inc"

times 510 - ($ - $$) db 0
dw 0xAA55
