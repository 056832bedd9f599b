/* SPDX-License-Identifier: MIT */
/**
 * DOC: mmsim ColdFire
 *
 * A ColdFire V4e CPU (Unicorn) whose memory is a simulated coldfire mm,
 * kept coherent as a secondary MMU; the seed's vDSO and its loader; and
 * the interrupt-injection engine that fuzzes code on that CPU: fuzz
 * cases, their exhaustive explorer, the linearizability checker, the
 * runner and its reports, and the loading of entry fixups.  Present when
 * mmsim is built with MMSIM_COLDFIRE (the default), which needs Unicorn,
 * libelf and capstone.
 */
#ifndef MMSIM_COLDFIRE_H
#define MMSIM_COLDFIRE_H

#include <mmsim/mmsim.h>
#include <mmsim/coldfire/campaign.h>
#include <mmsim/coldfire/exec.h>
#include <mmsim/coldfire/explore.h>
#include <mmsim/coldfire/fixup.h>
#include <mmsim/coldfire/fuzz_case.h>
#include <mmsim/coldfire/lincheck.h>
#include <mmsim/coldfire/m68k_rel.h>
#include <mmsim/coldfire/pt_regs.h>
#include <mmsim/coldfire/ucpu.h>
#include <mmsim/coldfire/vdso.h>
#include <mmsim/coldfire/vdso_report.h>
#include <mmsim/coldfire/vdso_run.h>

#endif /* MMSIM_COLDFIRE_H */
