using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace Sdk.Runtime.Data
{
    /// <summary>
    /// Reads IDX files of unsigned bytes (the MNIST family's format): a big-endian magic number
    /// 0x0000 08 nn (type ubyte, nn dimensions), nn big-endian int32 sizes, then the bytes.
    /// Gzipped files are recognised by their content, not their name.
    /// </summary>
    internal static class IdxFile
    {
        public const int ImagesMagic = 0x0803;  // 2051: ubyte, 3 dimensions (count, rows, cols)
        public const int LabelsMagic = 0x0801;  // 2049: ubyte, 1 dimension (count)

        /// <summary>Reads a file whose magic must be <paramref name="expectedMagic"/>; returns its sizes and payload.</summary>
        public static (int[] Dimensions, byte[] Payload) Read(string path, int expectedMagic, string kind)
        {
            using Stream stream = Open(path);
            try
            {
                return ReadFrom(stream, path, expectedMagic, kind);
            }
            catch (InvalidDataException e)
            {
                throw new DatasetFormatException(path, $"the gzip data is corrupt ({e.Message}).", e);
            }
        }

        private static (int[] Dimensions, byte[] Payload) ReadFrom(Stream stream, string path, int expectedMagic, string kind)
        {
            int dimensionCount = expectedMagic & 0xFF;
            Span<byte> header = stackalloc byte[4 + (4 * dimensionCount)];
            int headerRead = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (headerRead < 4)
            {
                throw new DatasetFormatException(path, $"the file has {headerRead} bytes, too short for an IDX magic number.");
            }

            int magic = BinaryPrimitives.ReadInt32BigEndian(header);
            if (magic != expectedMagic)
            {
                throw new DatasetFormatException(
                    path, $"magic number {magic} is not {expectedMagic} ({kind}: unsigned bytes, {dimensionCount} dimension(s)).");
            }

            if (headerRead < header.Length)
            {
                throw new DatasetFormatException(path, $"the header is truncated: {headerRead} of {header.Length} bytes.");
            }

            var dimensions = new int[dimensionCount];
            for (int i = 0; i < dimensionCount; i++)
            {
                dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(header.Slice(4 + (4 * i)));
                if (dimensions[i] < 0 || (i > 0 && dimensions[i] == 0))
                {
                    throw new DatasetFormatException(
                        path, $"dimension {i} has invalid size {dimensions[i]} (the count must be >= 0, every other size >= 1).");
                }
            }

            // The size of one item first (an empty set of enormous images is still unusable), then of all of them;
            // each product stays below 2^62 because the factor before it was at most Array.MaxLength.
            long itemLength = 1;
            for (int i = 1; i < dimensionCount; i++)
            {
                itemLength *= dimensions[i];
                if (itemLength > Array.MaxLength)
                {
                    throw new DatasetFormatException(
                        path, $"the sizes [{string.Join(", ", dimensions)}] make one item of more than {Array.MaxLength} bytes, the limit of an array.");
                }
            }

            long payloadLength = dimensions[0] * itemLength;
            if (payloadLength > Array.MaxLength)
            {
                throw new DatasetFormatException(
                    path, $"the sizes [{string.Join(", ", dimensions)}] describe {payloadLength} bytes, more than the limit of {Array.MaxLength} bytes of an array.");
            }

            var payload = new byte[payloadLength];
            int read = stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false);
            if (read < payload.Length)
            {
                throw new DatasetFormatException(
                    path, $"the data is truncated: the header [{string.Join(", ", dimensions)}] needs {payload.Length} bytes, the file has {read}.");
            }

            if (stream.ReadByte() >= 0)
            {
                throw new DatasetFormatException(
                    path, $"the file is longer than its header [{string.Join(", ", dimensions)}] says ({payload.Length} data bytes).");
            }

            return (dimensions, payload);
        }

        private static Stream Open(string path)
        {
            if (Directory.Exists(path))
            {
                throw new DatasetFormatException(path, "it is a directory, not an IDX file.");
            }

            var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            int first = file.ReadByte();
            int second = file.ReadByte();
            file.Position = 0;
            bool gzipped = first == 0x1F && second == 0x8B;
            return gzipped ? new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16) : file;
        }
    }
}
