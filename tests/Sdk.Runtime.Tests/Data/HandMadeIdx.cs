using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace Sdk.Runtime.Tests.Data
{
    /// <summary>Builds IDX file bytes by hand: big-endian magic and sizes, then the payload.</summary>
    internal static class HandMadeIdx
    {
        public static byte[] Images(int count, int rows, int cols, byte[] pixels, int magic = 2051) =>
            Concat(BigEndian(magic, count, rows, cols), pixels);

        public static byte[] Labels(int count, byte[] labels, int magic = 2049) =>
            Concat(BigEndian(magic, count), labels);

        /// <summary>
        /// Writes one half of a Fashion-MNIST-style set into <paramref name="directory"/>: <c>{prefix}-images-idx3-ubyte</c>
        /// and <c>{prefix}-labels-idx1-ubyte</c> (<c>.gz</c> when gzipped), patterned pixels, labels i mod 10 unless given.
        /// </summary>
        public static void WriteSet(string directory, string prefix, int count, int size, bool gzip, byte[]? labels = null)
        {
            byte[] images = Images(count, size, size, Pattern(count * size * size));
            byte[] labelFile = Labels(count, labels ?? Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray());
            string suffix = gzip ? ".gz" : "";
            File.WriteAllBytes(Path.Combine(directory, $"{prefix}-images-idx3-ubyte{suffix}"), gzip ? Gzip(images) : images);
            File.WriteAllBytes(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte{suffix}"), gzip ? Gzip(labelFile) : labelFile);
        }

        /// <summary>Pixel i of the payload is (i * 7) mod 256, so every position is recognisable.</summary>
        public static byte[] Pattern(int length)
        {
            var bytes = new byte[length];
            for (int i = 0; i < length; i++)
            {
                bytes[i] = (byte)(i * 7);
            }

            return bytes;
        }

        public static byte[] Gzip(byte[] bytes)
        {
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            {
                gzip.Write(bytes);
            }

            return output.ToArray();
        }

        private static byte[] BigEndian(params int[] values)
        {
            var bytes = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(i * 4), values[i]);
            }

            return bytes;
        }

        private static byte[] Concat(byte[] a, byte[] b)
        {
            var all = new byte[a.Length + b.Length];
            a.CopyTo(all, 0);
            b.CopyTo(all, a.Length);
            return all;
        }
    }
}
