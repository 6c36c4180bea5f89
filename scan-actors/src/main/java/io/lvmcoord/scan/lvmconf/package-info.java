/**
 * lvm2's view of this host, from its configuration: which devices lvm2 uses and which VGs it
 * shows. Pure rules after lvm2 2.03.16 (each class names the lvm2 source it follows), plus
 * {@link io.lvmcoord.scan.lvmconf.LvmEnvironment}, which reads the files once and answers.
 *
 * <p>How a command (direct mode) or the agent uses it:
 * <pre>{@code
 * LvmEnvironment.Result r = LvmEnvironment.load(
 *         LvmDefaults.systemDir(System.getenv(LvmDefaults.SYSTEM_DIR_ENV)),   // LVM_SYSTEM_DIR or /etc/lvm
 *         configArg,                                                          // --config STRING, or null
 *         new DeviceSelection.Overrides(devicesFileArg, devicesList),         // --devicesfile NAME ("" = none), --devices
 *         LvmEnvironment.osHost());
 * // Failed: lvm2 would refuse to run; print the reason and fail.
 * LvmEnvironment env = ((LvmEnvironment.Ready) r).environment();
 * env.warnings();                                       // lvm2's start-up warnings (system ID, duplicates)
 * LvmEnvironment.HostDevices host = env.hostDevices(SysfsBlockDevices.SYS_CLASS_BLOCK, false);
 * DeviceSelection.Selection s = env.chooseDevices(host); // s.used(), s.warnings()
 * DeviceSelection.reportedName(env.mode(), env.filters(), device, env.config()); // pv_name lvm2 prints
 * VgVisibility.Decision d = env.visibility(vg, new VgVisibility.Options(foreign, shared, false, named));
 * // d.visible(): rows shown (the VG's PVs too); d.messages(): stderr; d.failed(): exit 5
 * }</pre>
 */
package io.lvmcoord.scan.lvmconf;
