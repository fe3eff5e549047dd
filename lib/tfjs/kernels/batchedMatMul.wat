;; Batched matrix products for tfjs-wasm's memory, with 128-bit SIMD: every product of attnlab's BatchMatMul
;; except two batched operands with B transposed (matmulNT below). Row-major float32; every pointer and stride is in
;; bytes into the imported memory; batch stride 0 repeats one matrix for every batch.
;; Each output element is a plain sum over k in increasing order from 0 (mul, then add; no fused multiply-add), the
;; order of XNNPACK's f32 GEMM, so the result does not depend on the blocking, equals XNNPACK's bit for bit and is the
;; same on every run and every machine.
;; Blocking (BLIS's, at wasm's size): B is copied into panels of 8 columns, [⌈n/8⌉][k][8] with zeros past n, so a
;; panel is read contiguously and stays in L1; C is computed in 4 × 8 tiles held in 8 SIMD registers, A's four
;; values broadcast once per k. Larger tiles (5 × 8, 3 × 12, 4 × 12) spill registers in V8 and run at half speed. Measured in docs/performance.md.
;; Assembled by scripts/wasm.mjs into batchedMatMulWasm.ts.
(module
  (import "env" "memory" (memory 0))

  ;; C[b] = op(A[b]) · op(B[b]): op(A) [m, k] is A, or Aᵀ when transA (A stored [k, m]); op(B) [k, n] is B, or Bᵀ
  ;; when transB (B stored [n, k]); C [m, n]. `work` holds ⌈n/8⌉·8·k + 32 floats: the packed panels, then a 4 × 8
  ;; scratch tile. B is packed once when bStride is 0. With `pack` 0 (only for B untransposed, n a multiple of 8 and
  ;; m < 4) the panels are read from B in place: the copy does not pay for one to three rows of output.
  (func (export "matmul")
    (param $a i32) (param $b i32) (param $c i32) (param $work i32) (param $batch i32)
    (param $m i32) (param $k i32) (param $n i32)
    (param $aStride i32) (param $bStride i32) (param $transA i32) (param $transB i32) (param $pack i32)
    (local $bi i32) (local $rs i32) (local $ks i32) (local $scratch i32)
    ;; B in place only for m < 4: gemm's 4-row tiles read packed panels
    (if (i32.and (i32.eqz (local.get $pack)) (i32.ge_u (local.get $m) (i32.const 4))) (then unreachable))
    ;; op(A)[i, k] is at a + i·rs + k·ks
    (local.set $rs (select (i32.const 4) (i32.shl (local.get $k) (i32.const 2)) (local.get $transA)))
    (local.set $ks (select (i32.shl (local.get $m) (i32.const 2)) (i32.const 4) (local.get $transA)))
    (local.set $scratch (i32.add (local.get $work)
      (i32.shl (i32.mul (i32.and (i32.add (local.get $n) (i32.const 7)) (i32.const -8)) (local.get $k)) (i32.const 2))))
    (block $batchDone (loop $batchLoop
      (br_if $batchDone (i32.ge_u (local.get $bi) (local.get $batch)))
      (if (local.get $pack)
        (then
          (if (i32.or (i32.eqz (local.get $bi)) (i32.ne (local.get $bStride) (i32.const 0)))
            (then (call $packB (local.get $b) (local.get $work) (local.get $k) (local.get $n) (local.get $transB))))
          (call $gemm (local.get $a) (local.get $rs) (local.get $ks) (local.get $work)
            (i32.shl (local.get $k) (i32.const 5)) (i32.const 32) (local.get $c) (local.get $scratch)
            (local.get $m) (local.get $k) (local.get $n)))
        (else
          (call $gemm (local.get $a) (local.get $rs) (local.get $ks) (local.get $b)
            (i32.const 32) (i32.shl (local.get $n) (i32.const 2)) (local.get $c) (local.get $scratch)
            (local.get $m) (local.get $k) (local.get $n))))
      (local.set $a (i32.add (local.get $a) (local.get $aStride)))
      (local.set $b (i32.add (local.get $b) (local.get $bStride)))
      (local.set $c (i32.add (local.get $c) (i32.shl (i32.mul (local.get $m) (local.get $n)) (i32.const 2))))
      (local.set $bi (i32.add (local.get $bi) (i32.const 1)))
      (br $batchLoop)))
  )

  ;; Copies op(B) [k, n] into panels at p: panel q holds columns 8q … 8q + 7, row after row (32 bytes each), with
  ;; zeros past column n.
  (func $packB (param $b i32) (param $p i32) (param $k i32) (param $n i32) (param $transB i32)
    (local $j i32) (local $kk i32) (local $col i32) (local $src i32) (local $colStep i32) (local $rowStep i32)
    ;; op(B)[kk, j] is at b + kk·rowStep + j·colStep
    (local.set $rowStep (select (i32.const 4) (i32.shl (local.get $n) (i32.const 2)) (local.get $transB)))
    (local.set $colStep (select (i32.shl (local.get $k) (i32.const 2)) (i32.const 4) (local.get $transB)))
    (block $panelsDone (loop $panels
      (br_if $panelsDone (i32.ge_u (local.get $j) (local.get $n)))
      (local.set $kk (i32.const 0))
      (block $rowsDone (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $kk) (local.get $k)))
        (local.set $src (i32.add (local.get $b) (i32.add (i32.mul (local.get $kk) (local.get $rowStep))
          (i32.mul (local.get $j) (local.get $colStep)))))
        (if (i32.and (i32.eqz (local.get $transB)) (i32.le_u (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
          (then
            (v128.store align=4 (local.get $p) (v128.load align=4 (local.get $src)))
            (v128.store offset=16 align=4 (local.get $p) (v128.load offset=16 align=4 (local.get $src))))
          (else
            (local.set $col (i32.const 0))
            (block $colsDone (loop $cols
              (br_if $colsDone (i32.ge_u (local.get $col) (i32.const 8)))
              (f32.store (i32.add (local.get $p) (i32.shl (local.get $col) (i32.const 2)))
                (if (result f32) (i32.lt_u (i32.add (local.get $j) (local.get $col)) (local.get $n))
                  (then (f32.load (i32.add (local.get $src) (i32.mul (local.get $col) (local.get $colStep)))))
                  (else (f32.const 0))))
              (local.set $col (i32.add (local.get $col) (i32.const 1)))
              (br $cols)))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
        (br $rows)))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $panels)))
  )

  ;; C [m, n] = op(A) · op(B) for one matrix: op(A)[i, k] at a + i·rs + k·ks; op(B)[k, 8q + l] at
  ;; b + q·panelStep + k·bk + 4l (packed: panelStep 32k, bk 32; in place: panelStep 32, bk 4n). Rows go 4, then 1,
  ;; at a time.
  (func $gemm
    (param $a i32) (param $rs i32) (param $ks i32) (param $b i32) (param $panelStep i32) (param $bk i32)
    (param $c i32) (param $scratch i32) (param $m i32) (param $k i32) (param $n i32)
    (local $i i32) (local $j i32) (local $kk i32) (local $pa i32) (local $pb i32) (local $panel i32)
    (local $ldc i32) (local $rs2 i32) (local $rs3 i32) (local $full i32) (local $dst i32) (local $dstStride i32)
    (local $av v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $ldc (i32.shl (local.get $n) (i32.const 2)))
    (local.set $rs2 (i32.shl (local.get $rs) (i32.const 1)))
    (local.set $rs3 (i32.add (local.get $rs2) (local.get $rs)))
    (local.set $panel (local.get $b))
    (block $panelsDone (loop $panels
      (br_if $panelsDone (i32.ge_u (local.get $j) (local.get $n)))
      (local.set $full (i32.le_u (i32.add (local.get $j) (i32.const 8)) (local.get $n)))
      (local.set $i (i32.const 0))
        ;; 4 rows at a time, from packed panels only (a constant step of 32 bytes makes V8's loop 25% faster)
        (block $done4 (loop $rows4
          (br_if $done4 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
          (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
          (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
          (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
          (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
          (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rs))))
          (local.set $pb (local.get $panel))
          (local.set $kk (local.get $k))
          (block $kDone4 (loop $k4
            (br_if $kDone4 (i32.eqz (local.get $kk)))
            (local.set $b0 (v128.load align=4 (local.get $pb)))
            (local.set $b1 (v128.load offset=16 align=4 (local.get $pb)))
            (local.set $av (v128.load32_splat align=4 (local.get $pa)))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $av) (local.get $b0))))
            (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $av) (local.get $b1))))
            (local.set $av (v128.load32_splat align=4 (i32.add (local.get $pa) (local.get $rs))))
            (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $av) (local.get $b0))))
            (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $av) (local.get $b1))))
            (local.set $av (v128.load32_splat align=4 (i32.add (local.get $pa) (local.get $rs2))))
            (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $av) (local.get $b0))))
            (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $av) (local.get $b1))))
            (local.set $av (v128.load32_splat align=4 (i32.add (local.get $pa) (local.get $rs3))))
            (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $av) (local.get $b0))))
            (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $av) (local.get $b1))))
            (local.set $pa (i32.add (local.get $pa) (local.get $ks)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 32))) ;; packed: see matmul
            (local.set $kk (i32.sub (local.get $kk) (i32.const 1)))
            (br $k4)))
          ;; a full panel goes straight to C; the last, narrower one through the scratch tile
          (local.set $dst (select (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 2))))
            (local.get $scratch) (local.get $full)))
          (local.set $dstStride (select (local.get $ldc) (i32.const 32) (local.get $full)))
          (v128.store align=4 (local.get $dst) (local.get $c00)) (v128.store offset=16 align=4 (local.get $dst) (local.get $c01))
          (v128.store align=4 (i32.add (local.get $dst) (i32.mul (local.get $dstStride) (i32.const 1))) (local.get $c10)) (v128.store offset=16 align=4 (i32.add (local.get $dst) (i32.mul (local.get $dstStride) (i32.const 1))) (local.get $c11))
          (v128.store align=4 (i32.add (local.get $dst) (i32.mul (local.get $dstStride) (i32.const 2))) (local.get $c20)) (v128.store offset=16 align=4 (i32.add (local.get $dst) (i32.mul (local.get $dstStride) (i32.const 2))) (local.get $c21))
          (v128.store align=4 (i32.add (local.get $dst) (i32.mul (local.get $dstStride) (i32.const 3))) (local.get $c30)) (v128.store offset=16 align=4 (i32.add (local.get $dst) (i32.mul (local.get $dstStride) (i32.const 3))) (local.get $c31))
          (if (i32.eqz (local.get $full))
            (then (call $copyTile (local.get $scratch)
              (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 2))))
              (local.get $ldc) (i32.const 4) (i32.sub (local.get $n) (local.get $j)))))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $rows4)))
        ;; 1 row at a time
        (block $done1 (loop $rows1
          (br_if $done1 (i32.ge_u (local.get $i) (local.get $m)))
          (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
          (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rs))))
          (local.set $pb (local.get $panel))
          (local.set $kk (local.get $k))
          (block $kDone1 (loop $k1
            (br_if $kDone1 (i32.eqz (local.get $kk)))
            (local.set $b0 (v128.load align=4 (local.get $pb)))
            (local.set $b1 (v128.load offset=16 align=4 (local.get $pb)))
            (local.set $av (v128.load32_splat align=4 (local.get $pa)))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $av) (local.get $b0))))
            (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $av) (local.get $b1))))
            (local.set $pa (i32.add (local.get $pa) (local.get $ks)))
            (local.set $pb (i32.add (local.get $pb) (local.get $bk)))
            (local.set $kk (i32.sub (local.get $kk) (i32.const 1)))
            (br $k1)))
          ;; a full panel goes straight to C; the last, narrower one through the scratch tile
          (local.set $dst (select (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 2))))
            (local.get $scratch) (local.get $full)))
          (local.set $dstStride (select (local.get $ldc) (i32.const 32) (local.get $full)))
          (v128.store align=4 (local.get $dst) (local.get $c00)) (v128.store offset=16 align=4 (local.get $dst) (local.get $c01))
          (if (i32.eqz (local.get $full))
            (then (call $copyTile (local.get $scratch)
              (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc)) (i32.shl (local.get $j) (i32.const 2))))
              (local.get $ldc) (i32.const 1) (i32.sub (local.get $n) (local.get $j)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $rows1)))
      (local.set $panel (i32.add (local.get $panel) (local.get $panelStep)))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br $panels)))
  )

  ;; Copies the first `cols` columns of `rows` rows of the 4 × 8 scratch tile to dst (row stride dstStride bytes).
  (func $copyTile (param $src i32) (param $dst i32) (param $dstStride i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $col i32)
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $col (i32.const 0))
      (block $colsDone (loop $colLoop
        (br_if $colsDone (i32.ge_u (local.get $col) (local.get $cols)))
        (f32.store (i32.add (local.get $dst) (i32.shl (local.get $col) (i32.const 2)))
          (f32.load (i32.add (local.get $src) (i32.shl (local.get $col) (i32.const 2)))))
        (local.set $col (i32.add (local.get $col) (i32.const 1)))
        (br $colLoop)))
      (local.set $src (i32.add (local.get $src) (i32.const 32)))
      (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop)))
  )

  ;; C[b] = A[b] · B[b]ᵀ with A [m, k], B [n, k], C [m, n]: every element a dot product of two contiguous rows,
  ;; 4 lanes at a time; lane sums are added (l0 + l1) + (l2 + l3), then the last k mod 4 terms in order.
  (func (export "matmulNT")
    (param $a i32) (param $b i32) (param $c i32) (param $batch i32)
    (param $m i32) (param $k i32) (param $n i32)
    (param $aStride i32) (param $bStride i32)
    (local $bi i32) (local $i i32) (local $j i32) (local $kk i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $kBytes i32) (local $acc v128) (local $s f32)
    (local.set $kBytes (i32.shl (local.get $k) (i32.const 2)))
    (block $batchDone (loop $batchLoop
      (br_if $batchDone (i32.ge_u (local.get $bi) (local.get $batch)))
      (local.set $pc (local.get $c))
      (local.set $i (i32.const 0))
      (block $rowsDone (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $j (i32.const 0))
        (block $colsDone (loop $colLoop
          (br_if $colsDone (i32.ge_u (local.get $j) (local.get $n)))
          (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $kBytes))))
          (local.set $pb (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $kBytes))))
          (local.set $acc (v128.const i32x4 0 0 0 0))
          (local.set $kk (i32.const 0))
          (block $kDone4 (loop $k4
            (br_if $kDone4 (i32.gt_u (i32.add (local.get $kk) (i32.const 4)) (local.get $k)))
            (local.set $acc (f32x4.add (local.get $acc)
              (f32x4.mul (v128.load align=4 (local.get $pa)) (v128.load align=4 (local.get $pb)))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 16)))
            (local.set $kk (i32.add (local.get $kk) (i32.const 4)))
            (br $k4)))
          (local.set $s (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
            (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
          (block $kDone1 (loop $k1
            (br_if $kDone1 (i32.ge_u (local.get $kk) (local.get $k)))
            (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))
            (local.set $pa (i32.add (local.get $pa) (i32.const 4)))
            (local.set $pb (i32.add (local.get $pb) (i32.const 4)))
            (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
            (br $k1)))
          (f32.store (local.get $pc) (local.get $s))
          (local.set $pc (i32.add (local.get $pc) (i32.const 4)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $colLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowLoop)))
      (local.set $a (i32.add (local.get $a) (local.get $aStride)))
      (local.set $b (i32.add (local.get $b) (local.get $bStride)))
      (local.set $c (local.get $pc))
      (local.set $bi (i32.add (local.get $bi) (i32.const 1)))
      (br $batchLoop)))
  )
)
