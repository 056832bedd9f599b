/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Adapted for the user-space build of the ColdFire vDSO: vdso-lib.S
 * includes <asm/unistd.h> but makes no system call, so the system call
 * numbers are left out.
 */
#ifndef MMSIM_VDSO_ASM_UNISTD_H
#define MMSIM_VDSO_ASM_UNISTD_H
#endif
