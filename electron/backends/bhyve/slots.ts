// vm-bhyve's PCI slot cursor (lib/vm-run in freebsd/vm-bhyve), kept separate so the packing rules live in one place.
// A guest moved between vm-bhyve and Hivedesk must see its devices at the same PCI addresses: Windows (and some
// Linux NIC names) treat a moved device as new hardware.

export class PciCursor {
  bus = 0;
  func = 0;
  /** Bus 0 stops before 31 (lpc's slot); later buses get all 32 slots. */
  private maxSlots = 31;

  /** vm-run: `local _slot _bus=0 _maxslots=31 _func=0` with `_slot` from start_slot. */
  constructor(public slot: number) {}

  /** The `-s` address vm-run writes: `${_bus}:${_slot}:${_func}`. */
  address(func: number = this.func): string {
    return `${this.bus}:${this.slot}:${func}`;
  }

  /** vm-run's repeated `if [ ${_slot} -ge ${_maxslots} ]; then _slot=0; _bus=$((_bus + 1)); _maxslots=32; fi`. */
  wrap(): void {
    if (this.slot < this.maxSlots) return;
    this.slot = 0;
    this.bus += 1;
    this.maxSlots = 32;
  }

  /** Before a device packed as a function (disks, NICs): `if [ ${_func} -ge 8 ]; then _func=0; _slot=$((_slot + 1)); fi`. */
  fitFunction(): void {
    if (this.func >= 8) {
      this.func = 0;
      this.slot += 1;
    }
    this.wrap();
  }

  /** After a group of devices: `_slot=$((_slot + 1)); _func=0`, then the wrap check. */
  nextSlot(resetFunc = true): void {
    this.slot += 1;
    if (resetFunc) this.func = 0;
    this.wrap();
  }
}
