; installer.asm: the lab installer, the El Torito no-emulation boot image of the ISO (the BIOS
; loads all of it, the installed system included, at 0000:7C00). It prints the title and the
; question (with the first disk's size from int 13h AH=48h) on the screen and COM1, reads a line
; from the keyboard (int 16h, echoed), and on exactly "yes" + Enter writes the installed system
; (system.bin, assembled from system.asm, embedded below) to LBA 0 of BIOS drive 0x80 with the
; int 13h extensions (AH=41h check, AH=43h write), prints the done text and powers off: APM
; (int 15h AX=5301h/530Eh/5307h; SeaBIOS writes SLP_EN to the FADT's PM1a_CNT), then, if that
; returns, SLP_EN to 0xB004 (Xen HVM with qemu-xen) and 0x604 (plain QEMU). Any other answer:
; the not-yes text and the question again. Texts: texts.inc, generated from
; lab/src/installer-texts.ts.
bits 16
org 0x7C00
%include "io.inc"

DISK equ 0x80
LINE_MAX equ 15

start:
  BOOT_PROLOGUE
  call newline
  mov si, xd_title
  call putln

ask:
  call newline
  mov si, xd_question_format_0
  call puts
  call disk_mib
  call putdec
  mov si, xd_question_format_1
  call puts
  call newline
  call readline
  cmp cx, 3
  jne .no
  cmp word [line], 'ye'
  jne .no
  cmp byte [line + 2], 's'
  jne .no
  jmp install
.no:
  mov si, xd_not_yes
  call putln
  jmp ask

install:
  mov si, xd_writing
  call putln
  mov ah, 0x41
  mov bx, 0x55AA
  mov dl, DISK
  int 0x13
  jc no_ext
  cmp bx, 0xAA55
  jne no_ext
  test cx, 1            ; packet (DAP) access supported
  jz no_ext
  mov si, dap
  mov ax, 0x4300        ; write, no verify
  mov dl, DISK
  int 0x13
  jc fail
  mov si, xd_done
  call putln
  ; APM: connect the real-mode interface, driver version 1.2, all devices off.
  mov ax, 0x5301
  xor bx, bx
  int 0x15
  mov ax, 0x530E
  xor bx, bx
  mov cx, 0x0102
  int 0x15
  mov ax, 0x5307
  mov bx, 0x0001
  mov cx, 0x0003
  int 0x15
  ; Still here: ACPI S5 by hand (SLP_EN, SLP_TYP 0).
  mov ax, 0x2000
  mov dx, 0xB004
  out dx, ax
  mov dx, 0x0604
  out dx, ax
  jmp halt

no_ext:
  mov ah, 0x01          ; no int 13h extensions for drive 0x80: shown as status 1 (invalid function)
fail:
  mov si, xd_failed
  call puts
  mov al, ' '
  call putc
  movzx eax, ah         ; the int 13h status
  call putdec
  call newline
halt:
  sti
  hlt
  jmp halt

; disk_mib: EAX = the size of drive 0x80 in MiB (int 13h AH=48h sector count / 2048), 0 when the
; BIOS does not say. Clobbers EDX, SI.
disk_mib:
  mov word [params], 0x1E
  mov ah, 0x48
  mov dl, DISK
  mov si, params
  int 0x13
  mov eax, 0
  jc .end
  mov eax, [params + 0x10]
  mov edx, [params + 0x14]
  shrd eax, edx, 11
.end:
  ret

; putdec: EAX in decimal. Clobbers EAX, EBX, ECX, EDX.
putdec:
  mov ebx, 10
  xor cx, cx
.div:
  xor edx, edx
  div ebx
  push dx
  inc cx
  test eax, eax
  jnz .div
.out:
  pop ax
  add al, '0'
  call putc
  loop .out
  ret

; readline: reads keys into `line` until Enter (echoed; Backspace edits; at most LINE_MAX
; characters kept). Returns CX = its length.
readline:
  xor cx, cx
.key:
  xor ah, ah
  int 0x16
  cmp al, 13
  je .enter
  cmp al, 8
  je .back
  cmp al, ' '
  jb .key
  cmp al, '~'
  ja .key
  cmp cx, LINE_MAX
  jae .key
  mov bx, cx
  mov [line + bx], al
  inc cx
  call putc
  jmp .key
.back:
  jcxz .key
  dec cx
  mov al, 8
  call putc
  mov al, ' '
  call putc
  mov al, 8
  call putc
  jmp .key
.enter:
  call newline
  ret

IO_ROUTINES
%include "texts.inc"

; int 13h AH=43h disk address packet: the whole system image to LBA 0.
align 4
dap:
  db 16, 0
  dw SYSTEM_SECTORS
  dw system, 0
  dq 0

params: times 0x1E db 0
line: times LINE_MAX + 1 db 0

align 512
system:
  incbin "system.bin"
  align 512, db 0
SYSTEM_SECTORS equ ($ - system) / 512
