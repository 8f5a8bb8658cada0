package booking

// CompareHash lets a test see every password comparison.
var CompareHash = &compareHash
