using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sdk.Runtime.IO;

namespace Sdk.Runtime.Weights
{
    /// <summary>Builds the header and streams the data of a safetensors file.</summary>
    internal static class SafeTensorsWriter
    {
        private const int ChunkElements = 16 * 1024;

        private delegate void BytesSink(ReadOnlySpan<byte> bytes);

        /// <summary>
        /// Writes the file; with a <paramref name="digestKey"/>, the metadata also holds the content's SHA-256 under that
        /// key (<see cref="SafeTensorsDigest"/>, checked by <see cref="SafeTensorsFile.ComputeDigest"/>).
        /// </summary>
        public static void Write(
            string path, List<NamedTensor> tensors, WireDtype dtype, IReadOnlyDictionary<string, string>? metadata, string? digestKey = null)
        {
            if (dtype.IsInteger())
            {
                throw new ArgumentException($"Cannot write float tensors as {dtype.HeaderName()}; use F32, F16 or BF16.", nameof(dtype));
            }

            // The reference implementation orders tensors by name; offsets follow that order.
            var ordered = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
            CheckNames(ordered);
            if (digestKey is not null)
            {
                metadata = WithDigest(ordered, dtype, metadata ?? new Dictionary<string, string>(), digestKey);
            }

            byte[] header = BuildHeader(ordered, dtype, metadata);

            AtomicFile.Write(path, stream =>
            {
                Span<byte> lengthBytes = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)header.Length);
                stream.Write(lengthBytes);
                stream.Write(header);
                WriteData(stream, ordered, dtype);
            });
        }

        internal static byte[] BuildHeader(IReadOnlyList<NamedTensor> ordered, WireDtype dtype, IReadOnlyDictionary<string, string>? metadata)
        {
            var buffer = new ArrayBufferWriter<byte>();
            // Relaxed escaping keeps names such as "layer+1" readable; the output is still valid JSON.
            using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                json.WriteStartObject();
                if (metadata is { Count: > 0 })
                {
                    json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                    foreach (KeyValuePair<string, string> item in metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
                    {
                        json.WriteString(item.Key, item.Value);
                    }

                    json.WriteEndObject();
                }

                long offset = 0;
                foreach (NamedTensor tensor in ordered)
                {
                    long end = offset + ((long)tensor.Data.Length * dtype.SizeInBytes());
                    json.WriteStartObject(tensor.Name);
                    json.WriteString("dtype", dtype.HeaderName());
                    json.WriteStartArray("shape");
                    foreach (int dimension in tensor.Shape)
                    {
                        json.WriteNumberValue(dimension);
                    }

                    json.WriteEndArray();
                    json.WriteStartArray("data_offsets");
                    json.WriteNumberValue(offset);
                    json.WriteNumberValue(end);
                    json.WriteEndArray();
                    json.WriteEndObject();
                    offset = end;
                }

                json.WriteEndObject();
            }

            // Pad with spaces so the data buffer starts 8-byte aligned, as the reference does.
            int padded = (buffer.WrittenCount + 7) / 8 * 8;
            var header = new byte[padded];
            buffer.WrittenSpan.CopyTo(header);
            header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
            return header;
        }

        private static void CheckNames(List<NamedTensor> ordered)
        {
            for (int i = 0; i < ordered.Count; i++)
            {
                if (ordered[i].Name == SafeTensorsHeader.MetadataKey)
                {
                    throw new ArgumentException($"'{SafeTensorsHeader.MetadataKey}' is reserved for metadata and cannot name a tensor.", "tensors");
                }

                if (i > 0 && ordered[i].Name == ordered[i - 1].Name)
                {
                    throw new ArgumentException($"Tensor name '{ordered[i].Name}' appears more than once.", "tensors");
                }
            }
        }

        private static Dictionary<string, string> WithDigest(
            List<NamedTensor> ordered, WireDtype dtype, IReadOnlyDictionary<string, string> metadata, string digestKey)
        {
            if (metadata.ContainsKey(digestKey))
            {
                throw new ArgumentException($"Metadata key '{digestKey}' is reserved for the content digest.", nameof(metadata));
            }

            using var digest = new SafeTensorsDigest();
            var chunk = new byte[ChunkElements * dtype.SizeInBytes()];
            foreach (NamedTensor tensor in ordered)
            {
                digest.BeginTensor(tensor.Name, dtype, tensor.Shape, (long)tensor.Data.Length * dtype.SizeInBytes());
                Encode(tensor, dtype, chunk, digest.AppendData);
            }

            var withDigest = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
            withDigest[digestKey] = digest.Finish(metadata, digestKey);
            return withDigest;
        }

        private static void WriteData(Stream stream, List<NamedTensor> ordered, WireDtype dtype)
        {
            var chunk = new byte[ChunkElements * dtype.SizeInBytes()];
            foreach (NamedTensor tensor in ordered)
            {
                Encode(tensor, dtype, chunk, stream.Write);
            }
        }

        // The tensor's bytes as stored, a chunk at a time (the same bytes for the file and for its digest).
        private static void Encode(NamedTensor tensor, WireDtype dtype, byte[] chunk, BytesSink sink)
        {
            for (int start = 0; start < tensor.Data.Length; start += ChunkElements)
            {
                int count = Math.Min(ChunkElements, tensor.Data.Length - start);
                Span<byte> bytes = chunk.AsSpan(0, count * dtype.SizeInBytes());
                TensorEncoding.EncodeFloat(tensor.Data.AsSpan(start, count), dtype, bytes);
                sink(bytes);
            }
        }
    }
}
