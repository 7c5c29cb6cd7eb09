/**
 * The one table of what emulation needs to know about an architecture (GOARCH names, as
 * platforms carry them): QEMU's name for it (`qemu-<name>-static`, binfmt entry `qemu-<name>`)
 * and the ELF identity of its programs (class, byte order, e_machine), from which a sample ELF
 * header is built to match binfmt_misc magic/mask entries exactly as the kernel does.
 */

/** The ELF identity of an architecture's programs. */
export interface ElfIdentity {
  /** 1 = 32-bit, 2 = 64-bit (EI_CLASS). */
  readonly elfClass: 1 | 2;
  /** 1 = little-endian, 2 = big-endian (EI_DATA). */
  readonly byteOrder: 1 | 2;
  /** e_machine. */
  readonly machine: number;
}

/** What emulation knows about one architecture. */
export interface ArchitectureInfo {
  /** QEMU's name: `qemu-<qemu>-static`. */
  readonly qemu: string;
  readonly elf: ElfIdentity;
}

const TABLE: ReadonlyMap<string, ArchitectureInfo> = new Map<string, ArchitectureInfo>([
  ['amd64', { qemu: 'x86_64', elf: { elfClass: 2, byteOrder: 1, machine: 62 } }],
  ['386', { qemu: 'i386', elf: { elfClass: 1, byteOrder: 1, machine: 3 } }],
  ['arm64', { qemu: 'aarch64', elf: { elfClass: 2, byteOrder: 1, machine: 183 } }],
  ['arm', { qemu: 'arm', elf: { elfClass: 1, byteOrder: 1, machine: 40 } }],
  ['riscv64', { qemu: 'riscv64', elf: { elfClass: 2, byteOrder: 1, machine: 243 } }],
  ['ppc64le', { qemu: 'ppc64le', elf: { elfClass: 2, byteOrder: 1, machine: 21 } }],
  ['ppc64', { qemu: 'ppc64', elf: { elfClass: 2, byteOrder: 2, machine: 21 } }],
  ['s390x', { qemu: 's390x', elf: { elfClass: 2, byteOrder: 2, machine: 22 } }],
  ['mips64le', { qemu: 'mips64el', elf: { elfClass: 2, byteOrder: 1, machine: 8 } }],
  ['mips64', { qemu: 'mips64', elf: { elfClass: 2, byteOrder: 2, machine: 8 } }],
  ['mipsle', { qemu: 'mipsel', elf: { elfClass: 1, byteOrder: 1, machine: 8 } }],
  ['mips', { qemu: 'mips', elf: { elfClass: 1, byteOrder: 2, machine: 8 } }],
  ['loong64', { qemu: 'loongarch64', elf: { elfClass: 2, byteOrder: 1, machine: 258 } }],
]);

/** Emulation facts for `architecture` (a GOARCH name), or undefined for one QEMU cannot run. */
export function architectureInfo(architecture: string): ArchitectureInfo | undefined {
  return TABLE.get(architecture);
}

/**
 * A 64-byte ELF header of an executable for `elf`: magic, class, byte order, version 1, System V
 * ABI, e_type ET_EXEC, e_machine, e_version 1, everything else zero.
 */
export function sampleElfHeader(elf: ElfIdentity): Buffer {
  const header = Buffer.alloc(64);
  header.set([0x7f, 0x45, 0x4c, 0x46, elf.elfClass, elf.byteOrder, 1, 0], 0);
  const little = elf.byteOrder === 1;
  const u16 = (value: number, at: number) =>
    little ? header.writeUInt16LE(value, at) : header.writeUInt16BE(value, at);
  u16(2, 16);
  u16(elf.machine, 18);
  if (little) header.writeUInt32LE(1, 20);
  else header.writeUInt32BE(1, 20);
  return header;
}
