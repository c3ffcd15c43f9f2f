using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace Sdk.Runtime.Weights
{
    /// <summary>
    /// The SHA-256 of a safetensors file's content, independent of its layout: every tensor in name order (name, dtype,
    /// shape, byte count, the bytes as stored), then every metadata entry in key order except the one that holds the
    /// digest. Each string is length-prefixed, so no two different contents feed the hash the same bytes. A file whose
    /// tensors or metadata change in any way (a flipped data byte, a changed step) gets another digest; whitespace in
    /// the header and the order of its entries do not count.
    /// </summary>
    internal sealed class SafeTensorsDigest : IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        /// <summary>Starts a tensor; its <paramref name="byteCount"/> bytes follow through <see cref="AppendData"/>.</summary>
        public void BeginTensor(string name, WireDtype dtype, IReadOnlyList<int> shape, long byteCount)
        {
            AppendString("tensor");
            AppendString(name);
            AppendString(dtype.HeaderName());
            AppendInt64(shape.Count);
            foreach (int dimension in shape)
            {
                AppendInt64(dimension);
            }

            AppendInt64(byteCount);
        }

        public void AppendData(ReadOnlySpan<byte> bytes) => _hash.AppendData(bytes);

        /// <summary>Adds the metadata (all but <paramref name="digestKey"/>) and returns the digest as 64 lowercase hex digits.</summary>
        public string Finish(IReadOnlyDictionary<string, string> metadata, string digestKey)
        {
            var entries = metadata.Where(m => m.Key != digestKey).OrderBy(m => m.Key, StringComparer.Ordinal).ToList();
            AppendString("metadata");
            AppendInt64(entries.Count);
            foreach (KeyValuePair<string, string> entry in entries)
            {
                AppendString(entry.Key);
                AppendString(entry.Value);
            }

            return Convert.ToHexStringLower(_hash.GetHashAndReset());
        }

        public void Dispose() => _hash.Dispose();

        private void AppendString(string text)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            AppendInt64(bytes.Length);
            _hash.AppendData(bytes);
        }

        private void AppendInt64(long value)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
            _hash.AppendData(bytes);
        }
    }
}
