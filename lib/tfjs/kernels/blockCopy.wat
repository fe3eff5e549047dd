;; Strided block copies in tfjs-wasm's memory: the data movement of SplitV, Concat, the transposes that keep
;; the last axis in place (attention's head split and merge) and row gathers (embedding lookups), which
;; tfjs-wasm 4.22 does element by element.
;; Copies are exact: the bytes move, nothing is computed. Assembled by scripts/wasm.mjs into blockCopyWasm.ts.
(module
  (import "env" "memory" (memory 0))

  ;; For i0 < n0, i1 < n1, i2 < n2: copy `bytes` bytes from src + i0·ss0 + i1·ss1 + i2·ss2
  ;; to dst + i0·ds0 + i1·ds1 + i2·ds2 (all in bytes). Source and destination blocks must not overlap.
  (func (export "copyBlocks")
    (param $src i32) (param $dst i32) (param $n0 i32) (param $n1 i32) (param $n2 i32) (param $bytes i32)
    (param $ss0 i32) (param $ss1 i32) (param $ss2 i32) (param $ds0 i32) (param $ds1 i32) (param $ds2 i32)
    (local $i0 i32) (local $i1 i32) (local $i2 i32) (local $s i32) (local $d i32)
    (block $done0 (loop $loop0
      (br_if $done0 (i32.ge_u (local.get $i0) (local.get $n0)))
      (local.set $i1 (i32.const 0))
      (block $done1 (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $i1) (local.get $n1)))
        (local.set $s (i32.add (local.get $src)
          (i32.add (i32.mul (local.get $i0) (local.get $ss0)) (i32.mul (local.get $i1) (local.get $ss1)))))
        (local.set $d (i32.add (local.get $dst)
          (i32.add (i32.mul (local.get $i0) (local.get $ds0)) (i32.mul (local.get $i1) (local.get $ds1)))))
        (local.set $i2 (i32.const 0))
        (block $done2 (loop $loop2
          (br_if $done2 (i32.ge_u (local.get $i2) (local.get $n2)))
          (memory.copy (local.get $d) (local.get $s) (local.get $bytes))
          (local.set $s (i32.add (local.get $s) (local.get $ss2)))
          (local.set $d (i32.add (local.get $d) (local.get $ds2)))
          (local.set $i2 (i32.add (local.get $i2) (i32.const 1)))
          (br $loop2)))
        (local.set $i1 (i32.add (local.get $i1) (i32.const 1)))
        (br $loop1)))
      (local.set $i0 (i32.add (local.get $i0) (i32.const 1)))
      (br $loop0)))
  )
;; Row i of dst = row indices[i] of table, `rowBytes` bytes each; indices are int32 and already checked.
  (func (export "gatherRows")
    (param $table i32) (param $indices i32) (param $dst i32) (param $count i32) (param $rowBytes i32)
    (local $i i32)
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
      (memory.copy
        (i32.add (local.get $dst) (i32.mul (local.get $i) (local.get $rowBytes)))
        (i32.add (local.get $table)
          (i32.mul (i32.load (i32.add (local.get $indices) (i32.shl (local.get $i) (i32.const 2)))) (local.get $rowBytes)))
        (local.get $rowBytes))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
  )
)
