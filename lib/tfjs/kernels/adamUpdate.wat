;; One Adam step for one variable in a single pass over tfjs-wasm's memory, with 128-bit SIMD. The arithmetic is
;; tfjs's AdamOptimizer (tfjs-core 4.22 `optimizers/adam_optimizer.ts`) operation for operation, each a float32
;; IEEE operation in the same order, so the new value and moments equal tfjs's bit for bit; tfjs runs about a
;; dozen kernels per variable for it. Assembled by scripts/wasm.mjs into adamUpdateWasm.ts.
(module
  (import "env" "memory" (memory 0))

  ;; m' = m·β1 + g·(1−β1); v' = v·β2 + g²·(1−β2); x' = ((m'/(1−β1ᵗ)) / (sqrt(v'/(1−β2ᵗ)) + ε))·(−lr) + x.
  ;; Pointers in bytes; n elements; outputs may not overlap inputs.
  (func (export "adamUpdate")
    (param $x i32) (param $m i32) (param $v i32) (param $g i32)
    (param $xOut i32) (param $mOut i32) (param $vOut i32) (param $n i32)
    (param $b1 f32) (param $omb1 f32) (param $b2 f32) (param $omb2 f32)
    (param $omab1 f32) (param $omab2 f32) (param $negLr f32) (param $eps f32)
    (local $i i32) (local $o i32) (local $gv v128) (local $mn v128) (local $vn v128)
    (local $s f32) (local $ms f32) (local $vs f32)
    (block $done4 (loop $four
      (br_if $done4 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $gv (v128.load align=4 (i32.add (local.get $g) (local.get $o))))
      (local.set $mn (f32x4.add
        (f32x4.mul (v128.load align=4 (i32.add (local.get $m) (local.get $o))) (f32x4.splat (local.get $b1)))
        (f32x4.mul (local.get $gv) (f32x4.splat (local.get $omb1)))))
      (local.set $vn (f32x4.add
        (f32x4.mul (v128.load align=4 (i32.add (local.get $v) (local.get $o))) (f32x4.splat (local.get $b2)))
        (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (f32x4.splat (local.get $omb2)))))
      (v128.store align=4 (i32.add (local.get $mOut) (local.get $o)) (local.get $mn))
      (v128.store align=4 (i32.add (local.get $vOut) (local.get $o)) (local.get $vn))
      (v128.store align=4 (i32.add (local.get $xOut) (local.get $o))
        (f32x4.add
          (f32x4.mul
            (f32x4.div
              (f32x4.div (local.get $mn) (f32x4.splat (local.get $omab1)))
              (f32x4.add
                (f32x4.sqrt (f32x4.div (local.get $vn) (f32x4.splat (local.get $omab2))))
                (f32x4.splat (local.get $eps))))
            (f32x4.splat (local.get $negLr)))
          (v128.load align=4 (i32.add (local.get $x) (local.get $o)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $four)))
    (block $done1 (loop $one
      (br_if $done1 (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $o (i32.shl (local.get $i) (i32.const 2)))
      (local.set $s (f32.load (i32.add (local.get $g) (local.get $o))))
      (local.set $ms (f32.add
        (f32.mul (f32.load (i32.add (local.get $m) (local.get $o))) (local.get $b1))
        (f32.mul (local.get $s) (local.get $omb1))))
      (local.set $vs (f32.add
        (f32.mul (f32.load (i32.add (local.get $v) (local.get $o))) (local.get $b2))
        (f32.mul (f32.mul (local.get $s) (local.get $s)) (local.get $omb2))))
      (f32.store (i32.add (local.get $mOut) (local.get $o)) (local.get $ms))
      (f32.store (i32.add (local.get $vOut) (local.get $o)) (local.get $vs))
      (f32.store (i32.add (local.get $xOut) (local.get $o))
        (f32.add
          (f32.mul
            (f32.div
              (f32.div (local.get $ms) (local.get $omab1))
              (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $omab2))) (local.get $eps)))
            (local.get $negLr))
          (f32.load (i32.add (local.get $x) (local.get $o)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $one)))
  )
)
