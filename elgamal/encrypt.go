package elgamal

import "github.com/sandogh/sandogh/group"

// Encrypt returns the exponential ElGamal encryption of m with nonce r:
// (rG, mG + rK). It runs in constant time in m and r; m is typically a
// small vote count set with group.Scalar.SetUint64. The nonce r must be
// uniformly random and secret, and never reused.
func (pk *PublicKey) Encrypt(m, r *group.Scalar) *Ciphertext {
	c := new(Ciphertext)
	var M group.Element
	M.ScalarBaseMult(m)
	return pk.encryptElementTo(c, &M, r)
}

// EncryptElement returns the ElGamal encryption of the element M with nonce
// r: (rG, M + rK), in constant time. It is used for plaintexts that are
// elements themselves, such as the output of Embed.
func (pk *PublicKey) EncryptElement(M *group.Element, r *group.Scalar) *Ciphertext {
	return pk.encryptElementTo(new(Ciphertext), M, r)
}

func (pk *PublicKey) encryptElementTo(c *Ciphertext, M *group.Element, r *group.Scalar) *Ciphertext {
	var rK group.Element
	pk.ScalarMult(&rK, r)
	c.B.Add(M, &rK)
	c.A.ScalarBaseMult(r)
	return c
}

// ReEncrypt returns c + (rG, rK): a fresh ciphertext of the same plaintext
// with nonce increased by r, in constant time. c is not modified.
func (pk *PublicKey) ReEncrypt(c *Ciphertext, r *group.Scalar) *Ciphertext {
	return pk.ReEncryptTo(new(Ciphertext), c, r)
}

// ReEncryptTo sets dst = c + (rG, rK) and returns dst, in constant time. dst
// and c may alias.
func (pk *PublicKey) ReEncryptTo(dst, c *Ciphertext, r *group.Scalar) *Ciphertext {
	var rG, rK group.Element
	rG.ScalarBaseMult(r)
	pk.ScalarMult(&rK, r)
	dst.A.Add(&c.A, &rG)
	dst.B.Add(&c.B, &rK)
	return dst
}

// Decrypt returns the plaintext element B − xA, in constant time. For an
// exponential encryption of m it is mG; recover a bounded m with
// DLogTable.VarTimeSolve once the result is public, or an embedded byte
// string with Extract.
func (sk *SecretKey) Decrypt(c *Ciphertext) *group.Element {
	var xA group.Element
	xA.ScalarMult(&sk.x, &c.A)
	return new(group.Element).Subtract(&c.B, &xA)
}
