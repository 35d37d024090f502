/** The Windows guest of vm-bhyve's datastore notes (shared/reference/vm-bhyve-datastore.md), verbatim. */
export const WINDOWS_EXAMPLE_CONF = `loader="uefi"
cpu=2
memory=4G
graphics="yes"
graphics_listen="127.0.0.1"
xhci_mouse="yes"
disk0_type="ahci-hd"
disk0_name="disk0.img"
network0_type="e1000"
network0_switch="public"
utctime="no"
uefi_vars="yes"
uuid="7c5d6a97-a3b2-11f0-8b04-002590d922d0"
network0_mac="58:9c:fc:0c:55:42"
`;
