/** What a generated libvirt domain XML holds; everything not listed takes a common KVM default. */
export interface DomainXmlSpec {
  readonly name: string
  readonly uuid: string
  readonly description?: string
  readonly memoryMiB: number
  readonly vcpus: number
  /** RBD images as `pool/volume`, attached as virtio-scsi disks sda, sdb, … */
  readonly rbdDisks?: ReadonlyArray<string>
  /** Paths of qcow2 file disks, attached after the RBD disks. */
  readonly fileDisks?: ReadonlyArray<string>
  readonly interfaces?: ReadonlyArray<{ readonly mac: string; readonly bridge: string }>
  /** Ceph monitor hosts of the RBD disks. */
  readonly monitors?: ReadonlyArray<string>
}

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/'/g, "&apos;")

const diskDev = (index: number) => `sd${String.fromCharCode(97 + index)}`

const rbdDiskXml = (image: string, index: number, monitors: ReadonlyArray<string>) => [
  `    <disk type='network' device='disk'>`,
  `      <driver name='qemu' type='raw' cache='writeback' discard='unmap'/>`,
  `      <auth username='libvirt'>`,
  `        <secret type='ceph' uuid='3dc8d3b1-3d7a-4f0b-9c6e-0d1a2b3c4d5e'/>`,
  `      </auth>`,
  `      <source protocol='rbd' name='${escape(image)}'>`,
  ...monitors.map((host) => `        <host name='${escape(host)}' port='6789'/>`),
  `      </source>`,
  `      <target dev='${diskDev(index)}' bus='scsi'/>`,
  `    </disk>`
]

const fileDiskXml = (path: string, index: number) => [
  `    <disk type='file' device='disk'>`,
  `      <driver name='qemu' type='qcow2'/>`,
  `      <source file='${escape(path)}'/>`,
  `      <target dev='${diskDev(index)}' bus='scsi'/>`,
  `    </disk>`
]

const interfaceXml = (nic: { readonly mac: string; readonly bridge: string }) => [
  `    <interface type='bridge'>`,
  `      <mac address='${nic.mac}'/>`,
  `      <source bridge='${escape(nic.bridge)}'/>`,
  `      <model type='virtio'/>`,
  `    </interface>`
]

/** A complete, libvirt-valid KVM domain definition. */
export const domainXml = (spec: DomainXmlSpec): string => {
  const rbd = spec.rbdDisks ?? []
  const files = spec.fileDisks ?? []
  const monitors = spec.monitors ?? ["hv1", "hv2", "hv3"]
  const cores = spec.vcpus % 2 === 0 ? 2 : 1
  return [
    `<domain type='kvm'>`,
    `  <name>${escape(spec.name)}</name>`,
    `  <uuid>${spec.uuid}</uuid>`,
    ...(spec.description === undefined ? [] : [`  <description>${escape(spec.description)}</description>`]),
    `  <memory unit='MiB'>${spec.memoryMiB}</memory>`,
    `  <vcpu>${spec.vcpus}</vcpu>`,
    `  <os>`,
    `    <type arch='x86_64' machine='pc-i440fx-2.12'>hvm</type>`,
    `    <boot dev='hd'/>`,
    `  </os>`,
    `  <features>`,
    `    <acpi/>`,
    `    <apic/>`,
    `    <pae/>`,
    `  </features>`,
    `  <cpu mode='host-model'>`,
    `    <topology sockets='${spec.vcpus / cores}' cores='${cores}' threads='1'/>`,
    `  </cpu>`,
    `  <clock offset='utc'/>`,
    `  <on_poweroff>destroy</on_poweroff>`,
    `  <on_reboot>restart</on_reboot>`,
    `  <on_crash>restart</on_crash>`,
    `  <devices>`,
    `    <emulator>/usr/bin/kvm</emulator>`,
    ...rbd.flatMap((image, i) => rbdDiskXml(image, i, monitors)),
    ...files.flatMap((path, i) => fileDiskXml(path, rbd.length + i)),
    `    <controller type='scsi' index='0' model='virtio-scsi'/>`,
    `    <controller type='usb' index='0' model='none'/>`,
    ...(spec.interfaces ?? []).flatMap(interfaceXml),
    `    <serial type='pty'>`,
    `      <target port='0'/>`,
    `    </serial>`,
    `    <console type='pty'>`,
    `      <target type='serial' port='0'/>`,
    `    </console>`,
    `    <memballoon model='virtio'/>`,
    `  </devices>`,
    `</domain>`
  ].join("\n")
}
