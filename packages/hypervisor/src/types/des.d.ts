/**
 * Types of the parts of `des.js` (pure-JavaScript DES) that rfb-protocol.ts uses: single DES in
 * ECB mode for VNC authentication. The package ships no types.
 */
declare module 'des.js' {
  interface DesCipher {
    update(data: ArrayLike<number>): number[];
    final(): number[];
  }
  interface DesOptions {
    type: 'encrypt' | 'decrypt';
    key: ArrayLike<number>;
    /** PKCS#7 padding; default true. */
    padding?: boolean;
  }
  const des: { DES: { create(options: DesOptions): DesCipher } };
  export default des;
}
