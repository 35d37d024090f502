import { randomBytes, randomUUID } from 'node:crypto';

/** A guest's SMBIOS UUID (bhyve -U, QEMU -uuid), as vm-bhyve makes one with uuidgen. */
export function newUuid(): string {
  return randomUUID();
}

/**
 * A NIC's MAC the way vm-bhyve 1.7.1 draws one (lib/vm-run vm::generate_static_mac): bhyve's OUI
 * 58:9c:fc, then 20 random bits (the first hex digit 0, the range FreeBSD gives bhyve), never
 * 00:00:00, lower case. Drawn again while it collides with one already `taken`.
 */
export function newMac(taken: ReadonlySet<string> = new Set()): string {
  for (;;) {
    const bytes = randomBytes(3);
    bytes[0] = (bytes[0] ?? 0) & 0x0f;
    const tail = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
    const mac = `58:9c:fc:${tail}`;
    if (tail !== '00:00:00' && !taken.has(mac)) return mac;
  }
}
