using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Sdk.Runtime.Weights
{
    /// <summary>
    /// A safetensors file (the Hugging Face format): an 8-byte little-endian header length, a JSON
    /// header describing each tensor (dtype, shape, data_offsets) plus optional string metadata,
    /// then the tensors' bytes. <see cref="Read"/> validates the whole layout before returning;
    /// <see cref="Write"/> produces the reference layout (tensors sorted by name, header padded
    /// with spaces to 8 bytes) and replaces the target file atomically.
    /// </summary>
    public sealed class SafeTensorsFile
    {
        // The largest header accepted, in bytes: the reference implementation's limit. A header of exactly this length is
        // read; a longer one is refused before anything is allocated.
        internal const long MaxHeaderLength = 100_000_000;

        private readonly Dictionary<string, (SafeTensorsEntry Entry, byte[] Bytes)> _tensors;

        private SafeTensorsFile(string path, SafeTensorsHeader header, Dictionary<string, (SafeTensorsEntry, byte[])> tensors)
        {
            FilePath = path;
            Entries = header.Entries;
            Names = header.Entries.Select(e => e.Name).ToArray();
            Metadata = header.Metadata;
            _tensors = tensors;
        }

        /// <summary>The file this was read from.</summary>
        public string FilePath { get; }

        /// <summary>The tensor names, sorted (ordinal).</summary>
        public IReadOnlyList<string> Names { get; }

        /// <summary>Each tensor's header record (dtype, shape, offsets), sorted by name.</summary>
        public IReadOnlyList<SafeTensorsEntry> Entries { get; }

        /// <summary>The <c>__metadata__</c> string map; empty when the file has none.</summary>
        public IReadOnlyDictionary<string, string> Metadata { get; }

        /// <summary>True when the file holds a tensor of that name.</summary>
        public bool Contains(string name) => _tensors.ContainsKey(name);

        /// <summary>The tensor's values converted to float32 (integer dtypes are converted too, exactly up to 2^24).</summary>
        /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
        public NamedTensor Get(string name)
        {
            (SafeTensorsEntry entry, byte[] bytes) = Find(name);
            var data = new float[entry.ElementCount];
            TensorEncoding.DecodeToFloat(bytes, entry.Dtype, data);
            return new NamedTensor(entry.Name, (int[])entry.Shape.Clone(), data);
        }

        /// <summary>The exact values of an integer tensor (<see cref="WireDtype.I32"/> or <see cref="WireDtype.I64"/>).</summary>
        /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
        /// <exception cref="InvalidOperationException">The tensor is stored as floats.</exception>
        public long[] GetInt64(string name)
        {
            (SafeTensorsEntry entry, byte[] bytes) = Find(name);
            if (!entry.Dtype.IsInteger())
            {
                throw new InvalidOperationException($"Tensor '{name}' in '{FilePath}' is {entry.Dtype.HeaderName()}, not an integer dtype.");
            }

            var data = new long[entry.ElementCount];
            TensorEncoding.DecodeToInt64(bytes, entry.Dtype, data);
            return data;
        }

        /// <summary>Every tensor converted to float32, in name order.</summary>
        public IEnumerable<NamedTensor> GetAll() => Names.Select(Get);

        /// <summary>Reads and validates a safetensors file.</summary>
        /// <exception cref="WeightsFormatException">The file breaks a rule of the format; the message names the file and tensor.</exception>
        public static SafeTensorsFile Read(string path)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            if (Directory.Exists(path))
            {
                throw new WeightsFormatException(path, null, "it is a directory, not a safetensors file.");
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            long fileLength = stream.Length;
            if (fileLength < 8)
            {
                throw new WeightsFormatException(path, null, $"the file has {fileLength} bytes, fewer than the 8-byte header length.");
            }

            Span<byte> lengthBytes = stackalloc byte[8];
            stream.ReadExactly(lengthBytes);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);

            // The limit first, as the reference does: a header length over it is refused whatever the file holds.
            if (headerLength > MaxHeaderLength)
            {
                throw new WeightsFormatException(path, null, $"the header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes.");
            }

            if (headerLength > (ulong)(fileLength - 8))
            {
                throw new WeightsFormatException(
                    path, null, $"the header length {headerLength} reaches past the end of the file ({fileLength} bytes, {fileLength - 8} after the length).");
            }

            var headerBytes = new byte[headerLength];
            stream.ReadExactly(headerBytes);
            long bufferLength = fileLength - 8 - (long)headerLength;
            SafeTensorsHeader header = SafeTensorsHeader.Parse(path, headerBytes, bufferLength);

            // The header proved that the tensors tile the buffer, so reading them in offset order is one sequential pass.
            var tensors = new Dictionary<string, (SafeTensorsEntry, byte[])>(StringComparer.Ordinal);
            foreach (SafeTensorsEntry entry in header.Entries.OrderBy(e => e.Begin))
            {
                var bytes = new byte[entry.ByteCount];
                stream.Position = 8 + (long)headerLength + entry.Begin;
                stream.ReadExactly(bytes);
                tensors.Add(entry.Name, (entry, bytes));
            }

            return new SafeTensorsFile(path, header, tensors);
        }

        /// <summary>
        /// Writes tensors to a safetensors file, converting float32 values to <paramref name="dtype"/>
        /// (F32, F16 or BF16). The file is written to a temporary sibling and renamed over
        /// <paramref name="path"/>, so a failed write leaves any previous file intact.
        /// </summary>
        /// <exception cref="ArgumentException">Duplicate or reserved names, or an integer dtype.</exception>
        public static void Write(
            string path,
            IEnumerable<NamedTensor> tensors,
            WireDtype dtype = WireDtype.F32,
            IReadOnlyDictionary<string, string>? metadata = null)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            ArgumentNullException.ThrowIfNull(tensors);
            SafeTensorsWriter.Write(path, tensors.ToList(), dtype, metadata);
        }

        /// <summary>
        /// The SHA-256 of the file's content (<see cref="SafeTensorsDigest"/>): every tensor's bytes as stored, and the
        /// metadata except <paramref name="digestKey"/>, the entry that holds the digest the writer computed.
        /// </summary>
        internal string ComputeDigest(string digestKey)
        {
            using var digest = new SafeTensorsDigest();
            foreach (SafeTensorsEntry entry in Entries)
            {
                byte[] bytes = _tensors[entry.Name].Bytes;
                digest.BeginTensor(entry.Name, entry.Dtype, entry.Shape, bytes.Length);
                digest.AppendData(bytes);
            }

            return digest.Finish(Metadata, digestKey);
        }

        private (SafeTensorsEntry Entry, byte[] Bytes) Find(string name)
        {
            if (!_tensors.TryGetValue(name, out (SafeTensorsEntry, byte[]) tensor))
            {
                throw new KeyNotFoundException(
                    $"No tensor '{name}' in '{FilePath}'. It holds: {string.Join(", ", Names.Take(20))}{(Names.Count > 20 ? ", ..." : "")}.");
            }

            return tensor;
        }
    }
}
