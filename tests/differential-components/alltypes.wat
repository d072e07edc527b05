;; One component whose exports pass every WIT value type across the component boundary, for the
;; differential test in this folder (run.sh: Shard vs. jco). Most exports are identities
;; (`echo-<type>`); a few do real work so that the test is not only copies.
;;
;; How an identity is written in core wasm depends on the flattened signature
;; (CanonicalABI.md: flatten_functype, MAX_FLAT_PARAMS = 16, MAX_FLAT_RESULTS = 1):
;;   - one flat result: return the one flat param ("id-i32", "id-i64", "id-f32", "id-f64");
;;   - more than one flat result: store the value in a return area in *memory layout* and return
;;     its address. Strings and lists are returned as the same (ptr, len) pair: the lifting side
;;     copies out of this memory;
;;   - more than 16 flat params: the caller stores the params as a tuple in memory obtained from
;;     our realloc and passes its address; a tuple result of the same types has the same layout,
;;     so returning that address echoes all of them ("echo-many").
;;
;; Regenerate alltypes.wasm after editing: bash regenerate.sh
(component
  (core module $M
    (memory (export "mem") 1)
    ;; Error messages of "divide": "division by zero" = [16, 16), "overflow" = [32, 8).
    (data (i32.const 16) "division by zero")
    (data (i32.const 32) "overflow")

    ;; A bump allocator above the static data; grows the memory as needed, never frees.
    (global $next (mut i32) (i32.const 1024))
    (func $alloc (param $align i32) (param $size i32) (result i32)
      (local $p i32) (local $end i32) (local $have i32)
      (local.set $p
        (i32.and (i32.add (global.get $next) (i32.sub (local.get $align) (i32.const 1)))
                 (i32.sub (i32.const 0) (local.get $align))))
      (local.set $end (i32.add (local.get $p) (local.get $size)))
      (local.set $have (i32.shl (memory.size) (i32.const 16)))
      (if (i32.gt_u (local.get $end) (local.get $have))
        (then
          (if (i32.eq (memory.grow
                        (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have))
                                            (i32.const 0xffff))
                                   (i32.const 16)))
                      (i32.const -1))
            (then unreachable))))
      (global.set $next (local.get $end))
      (local.get $p))

    ;; CanonicalABI.md: realloc(originalPtr, originalSize, alignment, newSize) -> ptr
    (func (export "realloc")
          (param $old i32) (param $old-size i32) (param $align i32) (param $new-size i32)
          (result i32)
      (local $p i32)
      (if (i32.and (i32.ne (local.get $old) (i32.const 0))
                   (i32.le_u (local.get $new-size) (local.get $old-size)))
        (then (return (local.get $old))))
      (local.set $p (call $alloc (local.get $align) (local.get $new-size)))
      (if (local.get $old-size)
        (then (memory.copy (local.get $p) (local.get $old) (local.get $old-size))))
      (local.get $p))

    ;; ---- identities, by flat signature ----
    ;; bool s8 u8 s16 u16 s32 u32 char enum flags(<= 32 labels)
    (func (export "id-i32") (param i32) (result i32) (local.get 0))
    ;; s64 u64
    (func (export "id-i64") (param i64) (result i64) (local.get 0))
    (func (export "id-f32") (param f32) (result f32) (local.get 0))
    (func (export "id-f64") (param f64) (result f64) (local.get 0))

    ;; string, list<T>: (ptr, len) back in an 8-byte return area.
    (func (export "ret-ptr-len") (param $ptr i32) (param $len i32) (result i32)
      (local $r i32)
      (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
      (i32.store offset=0 (local.get $r) (local.get $ptr))
      (i32.store offset=4 (local.get $r) (local.get $len))
      (local.get $r))

    ;; option<string>, result<u32, string>, option<option<u32>>: all three flatten to
    ;; (i32 discriminant, i32, i32) and are laid out as u8 @0, 4-byte-aligned payload @4
    ;; (for option<option<u32>>: inner discriminant @4, u32 @8). Storing the middle slot as a
    ;; full i32 is fine: bytes 5..7 are padding in every case.
    (func (export "ret-disc-i32-i32") (param $d i32) (param $x i32) (param $y i32) (result i32)
      (local $r i32)
      (local.set $r (call $alloc (i32.const 4) (i32.const 12)))
      (i32.store8 offset=0 (local.get $r) (local.get $d))
      (i32.store offset=4 (local.get $r) (local.get $x))
      (i32.store offset=8 (local.get $r) (local.get $y))
      (local.get $r))

    ;; record rec {a: u32, b: string, c: list<u16>}: a @0, b @4/@8, c @12/@16; size 20.
    (func (export "echo-record")
          (param $a i32) (param $b-ptr i32) (param $b-len i32) (param $c-ptr i32) (param $c-len i32)
          (result i32)
      (local $r i32)
      (local.set $r (call $alloc (i32.const 4) (i32.const 20)))
      (i32.store offset=0 (local.get $r) (local.get $a))
      (i32.store offset=4 (local.get $r) (local.get $b-ptr))
      (i32.store offset=8 (local.get $r) (local.get $b-len))
      (i32.store offset=12 (local.get $r) (local.get $c-ptr))
      (i32.store offset=16 (local.get $r) (local.get $c-len))
      (local.get $r))

    ;; tuple<u8, string, f64>: u8 @0, string @4/@8, f64 @16; size 24, align 8.
    (func (export "echo-tuple")
          (param $x i32) (param $s-ptr i32) (param $s-len i32) (param $f f64) (result i32)
      (local $r i32)
      (local.set $r (call $alloc (i32.const 8) (i32.const 24)))
      (i32.store8 offset=0 (local.get $r) (local.get $x))
      (i32.store offset=4 (local.get $r) (local.get $s-ptr))
      (i32.store offset=8 (local.get $r) (local.get $s-len))
      (f64.store offset=16 (local.get $r) (local.get $f))
      (local.get $r))

    ;; variant shape {none-case, num(u64), text(string)}: flat (i32 case, i64 join(u64, ptr),
    ;; i32 len); memory: case u8 @0, payload @8 (align 8): u64 @8, or ptr @8 and len @12.
    ;; The payload is stored per case: len @12 would overwrite the high half of a u64.
    (func (export "echo-variant") (param $case i32) (param $x i64) (param $len i32) (result i32)
      (local $r i32)
      (local.set $r (call $alloc (i32.const 8) (i32.const 16)))
      (i32.store8 offset=0 (local.get $r) (local.get $case))
      (if (i32.eq (local.get $case) (i32.const 1))
        (then (i64.store offset=8 (local.get $r) (local.get $x))))
      (if (i32.eq (local.get $case) (i32.const 2))
        (then
          (i32.store offset=8 (local.get $r) (i32.wrap_i64 (local.get $x)))
          (i32.store offset=12 (local.get $r) (local.get $len))))
      (local.get $r))

    ;; More than 16 flat params arrive as a pointer to a tuple of them; a tuple result of the
    ;; same types has the same layout, so the same pointer is the return area.
    (func (export "echo-many") (param $params i32) (result i32) (local.get $params))

    ;; ---- functions that do some work ----
    ;; sum-list: func(l: list<u32>) -> u64
    (func (export "sum-list") (param $ptr i32) (param $len i32) (result i64)
      (local $sum i64) (local $end i32)
      (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $len) (i32.const 2))))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
          (local.set $sum
            (i64.add (local.get $sum) (i64.extend_i32_u (i32.load (local.get $ptr)))))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
          (br $next)))
      (local.get $sum))

    ;; sum17: func(17 x u32) -> u64; the params spill, so they arrive as a pointer.
    (func (export "sum17") (param $ptr i32) (result i64)
      (local $sum i64) (local $i i32)
      (block $done
        (loop $next
          (br_if $done (i32.eq (local.get $i) (i32.const 17)))
          (local.set $sum
            (i64.add (local.get $sum)
                     (i64.extend_i32_u
                       (i32.load (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 2)))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (local.get $sum))

    ;; upper: func(s: string) -> string; ASCII a-z uppercased into a new buffer.
    (func (export "upper") (param $ptr i32) (param $len i32) (result i32)
      (local $out i32) (local $i i32) (local $c i32) (local $r i32)
      (local.set $out (call $alloc (i32.const 1) (local.get $len)))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
          (local.set $c (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
          (if (i32.lt_u (i32.sub (local.get $c) (i32.const 97)) (i32.const 26))
            (then (local.set $c (i32.sub (local.get $c) (i32.const 32)))))
          (i32.store8 (i32.add (local.get $out) (local.get $i)) (local.get $c))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
      (i32.store offset=0 (local.get $r) (local.get $out))
      (i32.store offset=4 (local.get $r) (local.get $len))
      (local.get $r))

    ;; chars: func(s: string) -> list<char>; decodes the (valid) UTF-8 the caller passed.
    (func (export "chars") (param $ptr i32) (param $len i32) (result i32)
      (local $out i32) (local $n i32) (local $end i32) (local $b i32) (local $cp i32)
      (local $more i32) (local $r i32)
      (local.set $out (call $alloc (i32.const 4) (i32.shl (local.get $len) (i32.const 2))))
      (local.set $end (i32.add (local.get $ptr) (local.get $len)))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
          (local.set $b (i32.load8_u (local.get $ptr)))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
          (if (i32.lt_u (local.get $b) (i32.const 0x80))
            (then (local.set $cp (local.get $b)) (local.set $more (i32.const 0)))
            (else
              (if (i32.lt_u (local.get $b) (i32.const 0xe0))
                (then (local.set $cp (i32.and (local.get $b) (i32.const 0x1f)))
                      (local.set $more (i32.const 1)))
                (else
                  (if (i32.lt_u (local.get $b) (i32.const 0xf0))
                    (then (local.set $cp (i32.and (local.get $b) (i32.const 0x0f)))
                          (local.set $more (i32.const 2)))
                    (else (local.set $cp (i32.and (local.get $b) (i32.const 0x07)))
                          (local.set $more (i32.const 3))))))))
          (block $cont-done
            (loop $cont
              (br_if $cont-done (i32.eqz (local.get $more)))
              (local.set $cp
                (i32.or (i32.shl (local.get $cp) (i32.const 6))
                        (i32.and (i32.load8_u (local.get $ptr)) (i32.const 0x3f))))
              (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
              (local.set $more (i32.sub (local.get $more) (i32.const 1)))
              (br $cont)))
          (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (local.get $cp))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (br $next)))
      (local.set $r (call $alloc (i32.const 4) (i32.const 8)))
      (i32.store offset=0 (local.get $r) (local.get $out))
      (i32.store offset=4 (local.get $r) (local.get $n))
      (local.get $r))

    ;; count-flags: func(f: big-flags) -> u32
    (func (export "count-flags") (param $bits i32) (result i32) (i32.popcnt (local.get $bits)))

    ;; make-record: func(a: u32, b: string) -> rec, with c = [a, a + 1, a + 2] (as u16).
    (func (export "make-record") (param $a i32) (param $b-ptr i32) (param $b-len i32) (result i32)
      (local $c i32) (local $r i32)
      (local.set $c (call $alloc (i32.const 2) (i32.const 6)))
      (i32.store16 offset=0 (local.get $c) (local.get $a))
      (i32.store16 offset=2 (local.get $c) (i32.add (local.get $a) (i32.const 1)))
      (i32.store16 offset=4 (local.get $c) (i32.add (local.get $a) (i32.const 2)))
      (local.set $r (call $alloc (i32.const 4) (i32.const 20)))
      (i32.store offset=0 (local.get $r) (local.get $a))
      (i32.store offset=4 (local.get $r) (local.get $b-ptr))
      (i32.store offset=8 (local.get $r) (local.get $b-len))
      (i32.store offset=12 (local.get $r) (local.get $c))
      (i32.store offset=16 (local.get $r) (i32.const 3))
      (local.get $r))

    ;; divide: func(a: s32, b: s32) -> result<s32, string>
    (func (export "divide") (param $a i32) (param $b i32) (result i32)
      (local $r i32)
      (local.set $r (call $alloc (i32.const 4) (i32.const 12)))
      (if (i32.eqz (local.get $b))
        (then
          (i32.store8 offset=0 (local.get $r) (i32.const 1))
          (i32.store offset=4 (local.get $r) (i32.const 16))
          (i32.store offset=8 (local.get $r) (i32.const 16))
          (return (local.get $r))))
      (if (i32.and (i32.eq (local.get $a) (i32.const 0x80000000))
                   (i32.eq (local.get $b) (i32.const -1)))
        (then
          (i32.store8 offset=0 (local.get $r) (i32.const 1))
          (i32.store offset=4 (local.get $r) (i32.const 32))
          (i32.store offset=8 (local.get $r) (i32.const 8))
          (return (local.get $r))))
      (i32.store8 offset=0 (local.get $r) (i32.const 0))
      (i32.store offset=4 (local.get $r) (i32.div_s (local.get $a) (local.get $b)))
      (local.get $r))

    ;; nothing: func(); sink: func(s: string) — no result, so nothing is printed.
    (func (export "nothing"))
    (func (export "sink") (param i32 i32))
    ;; fail: func() — traps.
    (func (export "fail") unreachable)
  )
  (core instance $m (instantiate $M))

  ;; The named types are imported with an `eq` bound, the encoding of types defined in a WIT
  ;; world (`world root { record rec {...} export echo-record: func(x: rec) -> rec; }`): the
  ;; exported functions need named types, and a world cannot export a bare type. Nothing has to
  ;; be supplied for these imports.
  (type $rec' (record (field "a" u32) (field "b" string) (field "c" (list u16))))
  (import "rec" (type $rec (eq $rec')))
  (type $shape' (variant (case "none-case") (case "num" u64) (case "text" string)))
  (import "shape" (type $shape (eq $shape')))
  (type $color' (enum "red" "green" "blue"))
  (import "color" (type $color (eq $color')))
  (type $perms' (flags "read" "write" "exec"))
  (import "perms" (type $perms (eq $perms')))
  ;; 32 labels, the most a flags type may have (Binary.md: 0 < |l*| <= 32); bit 31 is the
  ;; sign bit of the flat i32.
  (type $big-flags' (flags
    "flag-a" "flag-b" "flag-c" "flag-d" "flag-e" "flag-f" "flag-g" "flag-h"
    "flag-i" "flag-j" "flag-k" "flag-l" "flag-m" "flag-n" "flag-o" "flag-p"
    "flag-q" "flag-r" "flag-s" "flag-t" "flag-u" "flag-v" "flag-w" "flag-x"
    "flag-y" "flag-z" "flag-za" "flag-zb" "flag-zc" "flag-zd" "flag-ze" "flag-zf"))
  (import "big-flags" (type $big-flags (eq $big-flags')))

  ;; ---- scalars ----
  (func (export "echo-bool") (param "x" bool) (result bool) (canon lift (core func $m "id-i32")))
  (func (export "echo-s8") (param "x" s8) (result s8) (canon lift (core func $m "id-i32")))
  (func (export "echo-u8") (param "x" u8) (result u8) (canon lift (core func $m "id-i32")))
  (func (export "echo-s16") (param "x" s16) (result s16) (canon lift (core func $m "id-i32")))
  (func (export "echo-u16") (param "x" u16) (result u16) (canon lift (core func $m "id-i32")))
  (func (export "echo-s32") (param "x" s32) (result s32) (canon lift (core func $m "id-i32")))
  (func (export "echo-u32") (param "x" u32) (result u32) (canon lift (core func $m "id-i32")))
  (func (export "echo-s64") (param "x" s64) (result s64) (canon lift (core func $m "id-i64")))
  (func (export "echo-u64") (param "x" u64) (result u64) (canon lift (core func $m "id-i64")))
  (func (export "echo-f32") (param "x" f32) (result f32) (canon lift (core func $m "id-f32")))
  (func (export "echo-f64") (param "x" f64) (result f64) (canon lift (core func $m "id-f64")))
  (func (export "echo-char") (param "x" char) (result char) (canon lift (core func $m "id-i32")))

  ;; ---- strings and lists ----
  (func (export "echo-string") (param "x" string) (result string)
    (canon lift (core func $m "ret-ptr-len")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "echo-list-u8") (param "x" (list u8)) (result (list u8))
    (canon lift (core func $m "ret-ptr-len")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "echo-list-string") (param "x" (list string)) (result (list string))
    (canon lift (core func $m "ret-ptr-len")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "echo-list-record") (param "x" (list $rec)) (result (list $rec))
    (canon lift (core func $m "ret-ptr-len")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "echo-list-list") (param "x" (list (list u32))) (result (list (list u32)))
    (canon lift (core func $m "ret-ptr-len")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))

  ;; ---- aggregates ----
  (func (export "echo-record") (param "x" $rec) (result $rec)
    (canon lift (core func $m "echo-record")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "echo-tuple") (param "x" (tuple u8 string f64)) (result (tuple u8 string f64))
    (canon lift (core func $m "echo-tuple")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "echo-variant") (param "x" $shape) (result $shape)
    (canon lift (core func $m "echo-variant")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "echo-enum") (param "x" $color) (result $color) (canon lift (core func $m "id-i32")))
  (func (export "echo-option") (param "x" (option string)) (result (option string))
    (canon lift (core func $m "ret-disc-i32-i32")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "echo-option-option") (param "x" (option (option u32))) (result (option (option u32)))
    (canon lift (core func $m "ret-disc-i32-i32")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "echo-result") (param "x" (result u32 (error string))) (result (result u32 (error string)))
    (canon lift (core func $m "ret-disc-i32-i32")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "echo-result-empty") (param "x" (result)) (result (result))
    (canon lift (core func $m "id-i32")))
  (func (export "echo-flags") (param "x" $perms) (result $perms) (canon lift (core func $m "id-i32")))
  (func (export "echo-big-flags") (param "x" $big-flags) (result $big-flags)
    (canon lift (core func $m "id-i32")))

  ;; ---- spilling: 18 flat params in, a tuple of 16 values out ----
  (func (export "echo-many")
    (param "p-bool" bool) (param "p-s8" s8) (param "p-u8" u8) (param "p-s16" s16)
    (param "p-u16" u16) (param "p-s32" s32) (param "p-u32" u32) (param "p-s64" s64)
    (param "p-u64" u64) (param "p-f32" f32) (param "p-f64" f64) (param "p-char" char)
    (param "p-string" string) (param "p-list" (list u8)) (param "p-color" $color)
    (param "p-perms" $perms)
    (result (tuple bool s8 u8 s16 u16 s32 u32 s64 u64 f32 f64 char string (list u8) $color $perms))
    (canon lift (core func $m "echo-many")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "sum17")
    (param "a1" u32) (param "a2" u32) (param "a3" u32) (param "a4" u32) (param "a5" u32)
    (param "a6" u32) (param "a7" u32) (param "a8" u32) (param "a9" u32) (param "a10" u32)
    (param "a11" u32) (param "a12" u32) (param "a13" u32) (param "a14" u32) (param "a15" u32)
    (param "a16" u32) (param "a17" u32) (result u64)
    (canon lift (core func $m "sum17")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))

  ;; ---- work ----
  (func (export "sum-list") (param "l" (list u32)) (result u64)
    (canon lift (core func $m "sum-list")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "upper") (param "s" string) (result string)
    (canon lift (core func $m "upper")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "chars") (param "s" string) (result (list char))
    (canon lift (core func $m "chars")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "count-flags") (param "f" $big-flags) (result u32)
    (canon lift (core func $m "count-flags")))
  (func (export "make-record") (param "a" u32) (param "b" string) (result $rec)
    (canon lift (core func $m "make-record")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "divide") (param "a" s32) (param "b" s32) (result (result s32 (error string)))
    (canon lift (core func $m "divide")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "nothing") (canon lift (core func $m "nothing")))
  (func (export "sink") (param "s" string)
    (canon lift (core func $m "sink")
      (memory (core memory $m "mem")) (realloc (core func $m "realloc"))))
  (func (export "fail") (canon lift (core func $m "fail")))
)
