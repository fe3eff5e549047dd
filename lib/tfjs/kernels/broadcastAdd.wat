;; x + v for a matrix x [rows, cols] and a row vector v [cols] (every bias add), with 128-bit SIMD, in
;; tfjs-wasm's memory. tfjs-wasm 4.22 broadcasts element by element. Each output is the same single float add
;; as tfjs's, so results are identical. Assembled by scripts/wasm.mjs into broadcastAddWasm.ts.
(module
  (import "env" "memory" (memory 0))

  ;; out[r, c] = x[r, c] + v[c]; pointers in bytes.
  (func (export "addRowVector")
    (param $x i32) (param $v i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $px i32) (local $po i32) (local $pv i32)
    (local.set $px (local.get $x))
    (local.set $po (local.get $out))
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $pv (local.get $v))
      (local.set $c (i32.const 0))
      (block $done4 (loop $cols4
        (br_if $done4 (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $cols)))
        (v128.store align=4 (local.get $po)
          (f32x4.add (v128.load align=4 (local.get $px)) (v128.load align=4 (local.get $pv))))
        (local.set $px (i32.add (local.get $px) (i32.const 16)))
        (local.set $po (i32.add (local.get $po) (i32.const 16)))
        (local.set $pv (i32.add (local.get $pv) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $cols4)))
      (block $done1 (loop $cols1
        (br_if $done1 (i32.ge_u (local.get $c) (local.get $cols)))
        (f32.store (local.get $po) (f32.add (f32.load (local.get $px)) (f32.load (local.get $pv))))
        (local.set $px (i32.add (local.get $px) (i32.const 4)))
        (local.set $po (i32.add (local.get $po) (i32.const 4)))
        (local.set $pv (i32.add (local.get $pv) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $cols1)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop)))
  )
)
