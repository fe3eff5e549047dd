;; Batched matrix products for tfjs-wasm's memory, with 128-bit SIMD: the products of two batched operands that
;; tfjs-wasm 4.22 runs in a scalar loop (attention's Q·Kᵀ, A·V and their gradients). Row-major float32; every
;; pointer and stride is in bytes into the imported memory; batch stride 0 repeats one matrix for every batch.
;; Each output element is a plain sum over k in increasing order (mul, then add; no fused multiply-add), so the
;; result does not depend on the blocking and is the same on every run and every machine.
;; Assembled by scripts/wasm.mjs into batchedMatMulWasm.ts.
(module
  (import "env" "memory" (memory 0))

  ;; C[b] = op(A[b]) · B[b], with op(A) = A [m, k], or Aᵀ when transA (A stored [k, m]); B [k, n]; C [m, n].
  ;; Columns of C go 16, then 4, then 1 at a time; a row of op(A) is walked once per column block.
  (func (export "matmulNN")
    (param $a i32) (param $b i32) (param $c i32) (param $batch i32)
    (param $m i32) (param $k i32) (param $n i32)
    (param $aStride i32) (param $bStride i32) (param $transA i32)
    (local $bi i32) (local $i i32) (local $j i32) (local $kk i32)
    (local $aRow i32) (local $aStep i32) (local $pa i32) (local $pb i32) (local $cRow i32) (local $nBytes i32)
    (local $av v128) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $s f32)
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 2)))
    ;; step between op(A)[i, k] and op(A)[i, k + 1]
    (local.set $aStep (select (i32.shl (local.get $m) (i32.const 2)) (i32.const 4) (local.get $transA)))
    (block $batchDone (loop $batchLoop
      (br_if $batchDone (i32.ge_u (local.get $bi) (local.get $batch)))
      (local.set $i (i32.const 0))
      (block $rowsDone (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $m)))
        ;; address of op(A)[i, 0]
        (local.set $aRow (i32.add (local.get $a)
          (select
            (i32.shl (local.get $i) (i32.const 2))
            (i32.shl (i32.mul (local.get $i) (local.get $k)) (i32.const 2))
            (local.get $transA))))
        (local.set $cRow (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $nBytes))))
        (local.set $j (i32.const 0))
        ;; 16 columns
        (block $done16 (loop $cols16
          (br_if $done16 (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $n)))
          (local.set $acc0 (v128.const i32x4 0 0 0 0))
          (local.set $acc1 (v128.const i32x4 0 0 0 0))
          (local.set $acc2 (v128.const i32x4 0 0 0 0))
          (local.set $acc3 (v128.const i32x4 0 0 0 0))
          (local.set $pa (local.get $aRow))
          (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $kk (i32.const 0))
          (block $kDone16 (loop $k16
            (br_if $kDone16 (i32.ge_u (local.get $kk) (local.get $k)))
            (local.set $av (f32x4.splat (f32.load (local.get $pa))))
            (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (v128.load align=4 (local.get $pb)))))
            (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $av) (v128.load offset=16 align=4 (local.get $pb)))))
            (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $av) (v128.load offset=32 align=4 (local.get $pb)))))
            (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $av) (v128.load offset=48 align=4 (local.get $pb)))))
            (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
            (local.set $pb (i32.add (local.get $pb) (local.get $nBytes)))
            (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
            (br $k16)))
          (local.set $pb (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))))
          (v128.store align=4 (local.get $pb) (local.get $acc0))
          (v128.store offset=16 align=4 (local.get $pb) (local.get $acc1))
          (v128.store offset=32 align=4 (local.get $pb) (local.get $acc2))
          (v128.store offset=48 align=4 (local.get $pb) (local.get $acc3))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $cols16)))
        ;; 4 columns
        (block $done4 (loop $cols4
          (br_if $done4 (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
          (local.set $acc0 (v128.const i32x4 0 0 0 0))
          (local.set $pa (local.get $aRow))
          (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $kk (i32.const 0))
          (block $kDone4 (loop $k4
            (br_if $kDone4 (i32.ge_u (local.get $kk) (local.get $k)))
            (local.set $acc0 (f32x4.add (local.get $acc0)
              (f32x4.mul (f32x4.splat (f32.load (local.get $pa))) (v128.load align=4 (local.get $pb)))))
            (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
            (local.set $pb (i32.add (local.get $pb) (local.get $nBytes)))
            (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
            (br $k4)))
          (v128.store align=4 (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc0))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $cols4)))
        ;; the last columns, one at a time
        (block $done1 (loop $cols1
          (br_if $done1 (i32.ge_u (local.get $j) (local.get $n)))
          (local.set $s (f32.const 0))
          (local.set $pa (local.get $aRow))
          (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $kk (i32.const 0))
          (block $kDone1 (loop $k1
            (br_if $kDone1 (i32.ge_u (local.get $kk) (local.get $k)))
            (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))
            (local.set $pa (i32.add (local.get $pa) (local.get $aStep)))
            (local.set $pb (i32.add (local.get $pb) (local.get $nBytes)))
            (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
            (br $k1)))
          (f32.store (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))) (local.get $s))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $cols1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowLoop)))
      (local.set $a (i32.add (local.get $a) (local.get $aStride)))
      (local.set $b (i32.add (local.get $b) (local.get $bStride)))
      (local.set $c (i32.add (local.get $c) (i32.mul (local.get $m) (local.get $nBytes))))
      (local.set $bi (i32.add (local.get $bi) (i32.const 1)))
      (br $batchLoop)))
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
