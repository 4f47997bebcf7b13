/**
 * Identity keys used for duplicate detection. A phone number written "0905 123 456",
 * "+84 905-123-456" or "84905123456" is one number; it is stored and compared in E.164 form.
 */
export function normalizePhone(raw: string): string | null {
  const trimmed = raw.trim();
  if (!/^[+0-9(][0-9 .()-]*$/.test(trimmed)) return null;
  const plus = trimmed.startsWith('+');
  let digits = trimmed.replace(/\D/g, '');
  if (plus && !digits.startsWith('84')) {
    // A foreign number in international form: kept as E.164.
    return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
  }
  if (digits.startsWith('0084')) digits = digits.slice(4);
  else if (digits.startsWith('84') && (plus || digits.length >= 11)) digits = digits.slice(2);
  else if (digits.startsWith('0')) digits = digits.slice(1);
  else if (!plus) return null;
  // Vietnamese national significant numbers: 9 digits (mobile) or 10 (landline with area code).
  if (!/^[1-9][0-9]{8,9}$/.test(digits)) return null;
  return `+84${digits}`;
}

/** National ID numbers (CCCD 12 digits, CMND 9 digits, passport numbers): compared without spaces, upper case. */
export function normalizeNationalId(raw: string): string | null {
  const n = raw.replace(/[\s.-]/g, '').toUpperCase();
  return /^[A-Z0-9]{6,20}$/.test(n) ? n : null;
}
