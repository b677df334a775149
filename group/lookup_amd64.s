//go:build amd64 && !purego

#include "textflag.h"

// Constant-time selection of one entry of a table row, in AVX2. A row is
// three coordinates, each an array of entries of 32 bytes (one YMM
// register); entry j (0-based) is selected when abs = j+1. Every entry is
// read and combined under a mask computed with VPCMPEQQ; the loop count is
// fixed, so neither the branches nor the addresses depend on abs.

// func selectRow16AVX2(w *[12]uint64, row *nielsRow16, abs uint64)
TEXT ·selectRow16AVX2(SB), NOSPLIT, $0-24
	MOVQ w+0(FP), DI
	MOVQ row+8(FP), SI
	MOVQ abs+16(FP), AX
	MOVQ $16, CX
	JMP  selectRow<>(SB)

// func selectRow8AVX2(w *[12]uint64, row *nielsRow, abs uint64)
TEXT ·selectRow8AVX2(SB), NOSPLIT, $0-24
	MOVQ w+0(FP), DI
	MOVQ row+8(FP), SI
	MOVQ abs+16(FP), AX
	MOVQ $8, CX
	JMP  selectRow<>(SB)

// selectRow: DI = output (three 32-byte coordinates), SI = row, AX = abs,
// CX = entries per coordinate (8 or 16). Coordinate c of entry j is at
// SI + 32·(c·CX + j).
TEXT selectRow<>(SB), NOSPLIT, $0
	VMOVQ        AX, X0        // VEX encoded: a legacy SSE MOVQ here costs a state transition
	VPBROADCASTQ X0, Y0        // abs in every lane
	MOVQ         $1, AX
	VMOVQ        AX, X1
	VPBROADCASTQ X1, Y1        // j+1 in every lane, from 1
	VMOVDQU      Y1, Y2        // the step
	VPXOR        Y3, Y3, Y3    // coordinate 0
	VPXOR        Y4, Y4, Y4    // coordinate 1
	VPXOR        Y5, Y5, Y5    // coordinate 2
	MOVQ         CX, DX
	SHLQ         $5, DX        // DX = 32·CX, the stride between coordinates

loop:
	VPCMPEQQ Y0, Y1, Y6        // all ones where abs = j+1
	VPAND    (SI), Y6, Y7
	VPOR     Y7, Y3, Y3
	VPAND    (SI)(DX*1), Y6, Y7
	VPOR     Y7, Y4, Y4
	VPAND    (SI)(DX*2), Y6, Y7
	VPOR     Y7, Y5, Y5
	VPADDQ   Y2, Y1, Y1
	ADDQ     $32, SI
	DECQ     CX
	JNZ      loop

	VMOVDQU Y3, (DI)
	VMOVDQU Y4, 32(DI)
	VMOVDQU Y5, 64(DI)
	VZEROUPPER
	RET

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-4
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	RET

// The AVX-512 selection: the same scan, two entries (64 bytes) per ZMM
// register. Every 64 bytes are read by an unmasked VMOVDQU64 into a
// register; only then is the selection applied, by VPCMPEQQ into the opmask
// K1 and a merge-masked VPORQ between registers. No load or store carries a
// mask: a masked load may leave masked-off lanes unread (AVX-512 suppresses
// their faults, and a processor may skip them), and which lanes those are
// depends on abs, so a masked load would be a secret-dependent memory
// access. The two halves are ORed at the end.

// Entry numbers j+1 of the two entries of the first ZMM of a coordinate.
DATA selectIndex512<>+0(SB)/8, $1
DATA selectIndex512<>+8(SB)/8, $1
DATA selectIndex512<>+16(SB)/8, $1
DATA selectIndex512<>+24(SB)/8, $1
DATA selectIndex512<>+32(SB)/8, $2
DATA selectIndex512<>+40(SB)/8, $2
DATA selectIndex512<>+48(SB)/8, $2
DATA selectIndex512<>+56(SB)/8, $2
GLOBL selectIndex512<>(SB), RODATA|NOPTR, $64

// func selectRow16AVX512(w *[12]uint64, row *nielsRow16, abs uint64)
TEXT ·selectRow16AVX512(SB), NOSPLIT, $0-24
	MOVQ w+0(FP), DI
	MOVQ row+8(FP), SI
	MOVQ abs+16(FP), AX
	MOVQ $16, CX
	JMP  selectRow512<>(SB)

// func selectRow8AVX512(w *[12]uint64, row *nielsRow, abs uint64)
TEXT ·selectRow8AVX512(SB), NOSPLIT, $0-24
	MOVQ w+0(FP), DI
	MOVQ row+8(FP), SI
	MOVQ abs+16(FP), AX
	MOVQ $8, CX
	JMP  selectRow512<>(SB)

// selectRow512: as selectRow; CX = entries per coordinate (8 or 16), an
// even number. The loop runs CX/2 times whatever abs is.
TEXT selectRow512<>(SB), NOSPLIT, $0
	VPBROADCASTQ AX, Z0                      // abs in every lane
	VMOVDQU64    selectIndex512<>(SB), Z1    // 1 ×4, 2 ×4
	MOVQ         $2, AX
	VPBROADCASTQ AX, Z2                      // the step, two entries
	VPXORQ       Z3, Z3, Z3
	VPXORQ       Z4, Z4, Z4
	VPXORQ       Z5, Z5, Z5
	MOVQ         CX, DX
	SHLQ         $5, DX                      // DX = 32·CX, the stride between coordinates
	SHRQ         $1, CX                      // two entries per iteration

loop512:
	VMOVDQU64 (SI), Z6                       // unmasked: all 64 bytes of entries j, j+1
	VMOVDQU64 (SI)(DX*1), Z7
	VMOVDQU64 (SI)(DX*2), Z8
	VPCMPEQQ  Z1, Z0, K1                     // lanes of the entry with abs = j+1, if any
	VPORQ     Z6, Z3, K1, Z3                 // merge-masked, registers only
	VPORQ     Z7, Z4, K1, Z4
	VPORQ     Z8, Z5, K1, Z5
	VPADDQ    Z2, Z1, Z1
	ADDQ      $64, SI
	DECQ      CX
	JNZ       loop512

	VEXTRACTI64X4 $1, Z3, Y6
	VPOR          Y6, Y3, Y3
	VEXTRACTI64X4 $1, Z4, Y7
	VPOR          Y7, Y4, Y4
	VEXTRACTI64X4 $1, Z5, Y8
	VPOR          Y8, Y5, Y5
	VMOVDQU       Y3, (DI)
	VMOVDQU       Y4, 32(DI)
	VMOVDQU       Y5, 64(DI)
	VZEROUPPER
	RET
