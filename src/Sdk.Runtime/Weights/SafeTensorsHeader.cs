using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Unicode;

namespace Sdk.Runtime.Weights
{
    /// <summary>
    /// Parses and validates the JSON header of a safetensors file against the size of its data
    /// buffer. Every rule of the format is checked here, before any tensor byte is read.
    /// </summary>
    internal sealed class SafeTensorsHeader
    {
        internal const string MetadataKey = "__metadata__";

        private SafeTensorsHeader(IReadOnlyList<SafeTensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
        {
            Entries = entries;
            Metadata = metadata;
        }

        /// <summary>The tensors, sorted by name (ordinal).</summary>
        public IReadOnlyList<SafeTensorsEntry> Entries { get; }

        public IReadOnlyDictionary<string, string> Metadata { get; }

        public static SafeTensorsHeader Parse(string path, ReadOnlyMemory<byte> json, long bufferLength)
        {
            // JsonDocument accepts invalid UTF-8 inside strings and fails only when a name is read.
            if (!Utf8.IsValid(json.Span))
            {
                throw new WeightsFormatException(path, null, "the header is not valid UTF-8.");
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(json);
            }
            catch (JsonException e)
            {
                throw new WeightsFormatException(path, null, $"the header is not valid JSON ({e.Message}).", e);
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new WeightsFormatException(path, null, $"the header must be a JSON object, not {document.RootElement.ValueKind}.");
                }

                // The format requires the object to start at the first byte (only trailing spaces may pad it).
                if (json.Span[0] != (byte)'{')
                {
                    throw new WeightsFormatException(path, null, $"the header must begin with '{{' (0x7B), not byte 0x{json.Span[0]:X2}.");
                }

                var entries = new List<SafeTensorsEntry>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
                foreach (JsonProperty property in document.RootElement.EnumerateObject())
                {
                    if (!seen.Add(property.Name))
                    {
                        throw new WeightsFormatException(path, property.Name, "the name appears more than once in the header.");
                    }

                    if (property.Name == MetadataKey)
                    {
                        metadata = ParseMetadata(path, property.Value);
                    }
                    else
                    {
                        entries.Add(ParseEntry(path, property.Name, property.Value));
                    }
                }

                CheckCoverage(path, entries, bufferLength);
                entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                return new SafeTensorsHeader(entries, metadata);
            }
        }

        private static Dictionary<string, string> ParseMetadata(string path, JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                throw new WeightsFormatException(path, MetadataKey, "metadata must be an object mapping strings to strings.");
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (JsonProperty item in value.EnumerateObject())
            {
                if (item.Value.ValueKind != JsonValueKind.String)
                {
                    throw new WeightsFormatException(path, MetadataKey, $"metadata value of '{item.Name}' must be a string, not {item.Value.ValueKind}.");
                }

                if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                {
                    throw new WeightsFormatException(path, MetadataKey, $"metadata key '{item.Name}' appears more than once.");
                }
            }

            return metadata;
        }

        private static SafeTensorsEntry ParseEntry(string path, string name, JsonElement value)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                throw new WeightsFormatException(path, name, "the entry must be an object with dtype, shape and data_offsets.");
            }

            string dtypeName = RequireProperty(path, name, value, "dtype", JsonValueKind.String).GetString()!;
            if (!WireDtypeInfo.TryParseHeaderName(dtypeName, out WireDtype dtype))
            {
                throw new WeightsFormatException(path, name, $"unknown or unsupported dtype '{dtypeName}' (supported: F32, F16, BF16, I32, I64).");
            }

            long[] dimensions = ReadIntegers(path, name, RequireProperty(path, name, value, "shape", JsonValueKind.Array), "shape");
            long[] offsets = ReadIntegers(path, name, RequireProperty(path, name, value, "data_offsets", JsonValueKind.Array), "data_offsets");
            if (offsets.Length != 2 || offsets[0] > offsets[1])
            {
                throw new WeightsFormatException(path, name, $"data_offsets must be [begin, end] with begin <= end, not [{string.Join(", ", offsets)}].");
            }

            int[] shape = CheckShape(path, name, dimensions, dtype);
            long expectedBytes = NamedTensor.ElementCountOf(shape) * dtype.SizeInBytes();
            long actualBytes = offsets[1] - offsets[0];
            if (actualBytes != expectedBytes)
            {
                long difference = Math.Abs(actualBytes - expectedBytes);
                throw new WeightsFormatException(
                    path,
                    name,
                    $"shape {Shapes.Format(shape)} x {dtype.HeaderName()} ({dtype.SizeInBytes()} bytes) needs {expectedBytes} bytes, " +
                    $"but data_offsets [{offsets[0]}, {offsets[1]}] span {actualBytes} ({difference} byte{(difference == 1 ? "" : "s")} too {(actualBytes > expectedBytes ? "long" : "short")}).");
            }

            return new SafeTensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
        }

        // Every dimension fits an int, the element count fits a long (checked product, left to right as the reference
        // does, so a zero dimension met first makes an empty tensor), and the bytes fit one array: the tensor is read
        // into a byte[] and decoded into a float[], so a larger one is an error here, never an OverflowException later.
        private static int[] CheckShape(string path, string name, long[] dimensions, WireDtype dtype)
        {
            string shapeText = "[" + string.Join(", ", dimensions) + "]";
            for (int i = 0; i < dimensions.Length; i++)
            {
                if (dimensions[i] > int.MaxValue)
                {
                    throw new WeightsFormatException(
                        path, name, $"shape {shapeText}: dimension {i} is {dimensions[i]}, larger than the limit of {int.MaxValue}.");
                }
            }

            long bytes = dtype.SizeInBytes();
            foreach (long dimension in dimensions)
            {
                if (dimension != 0 && bytes > long.MaxValue / dimension)
                {
                    throw new WeightsFormatException(
                        path, name, $"shape {shapeText} x {dtype.HeaderName()} ({dtype.SizeInBytes()} bytes) needs more than {long.MaxValue} bytes: the size overflows a 64-bit integer.");
                }

                bytes *= dimension;
            }

            if (bytes > Array.MaxLength)
            {
                throw new WeightsFormatException(
                    path, name, $"shape {shapeText} x {dtype.HeaderName()} ({dtype.SizeInBytes()} bytes) needs {bytes} bytes, more than the limit of {Array.MaxLength} bytes for one tensor.");
            }

            return Array.ConvertAll(dimensions, d => (int)d);
        }

        private static JsonElement RequireProperty(string path, string name, JsonElement entry, string property, JsonValueKind kind)
        {
            if (!entry.TryGetProperty(property, out JsonElement value))
            {
                throw new WeightsFormatException(path, name, $"the entry has no '{property}'.");
            }

            if (value.ValueKind != kind)
            {
                throw new WeightsFormatException(path, name, $"'{property}' must be a JSON {kind}, not {value.ValueKind}.");
            }

            return value;
        }

        private static long[] ReadIntegers(string path, string name, JsonElement array, string property)
        {
            var values = new long[array.GetArrayLength()];
            int index = 0;
            foreach (JsonElement item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long value) || value < 0)
                {
                    throw new WeightsFormatException(path, name, $"'{property}' must hold non-negative integers no larger than {long.MaxValue}, found {item.GetRawText()}.");
                }

                values[index++] = value;
            }

            return values;
        }

        // The tensors must tile the data buffer exactly: no overlap, no gap, nothing past its end.
        private static void CheckCoverage(string path, List<SafeTensorsEntry> entries, long bufferLength)
        {
            var byOffset = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
            long covered = 0;
            SafeTensorsEntry? previous = null;
            foreach (SafeTensorsEntry entry in byOffset)
            {
                if (entry.End > bufferLength)
                {
                    throw new WeightsFormatException(
                        path, entry.Name, $"data_offsets [{entry.Begin}, {entry.End}] reach past the end of the {bufferLength}-byte data buffer.");
                }

                if (entry.Begin < covered)
                {
                    throw new WeightsFormatException(
                        path, entry.Name, $"data_offsets [{entry.Begin}, {entry.End}] overlap tensor '{previous!.Name}' [{previous.Begin}, {previous.End}].");
                }

                if (entry.Begin > covered)
                {
                    throw new WeightsFormatException(
                        path, entry.Name, $"bytes [{covered}, {entry.Begin}) of the data buffer before this tensor belong to no tensor.");
                }

                covered = entry.End;
                previous = entry;
            }

            if (covered != bufferLength)
            {
                throw new WeightsFormatException(
                    path, previous?.Name, $"bytes [{covered}, {bufferLength}) at the end of the data buffer belong to no tensor.");
            }
        }
    }
}
