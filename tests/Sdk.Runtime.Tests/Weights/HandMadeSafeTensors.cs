using System;
using System.Buffers.Binary;
using System.Text;

namespace Sdk.Runtime.Tests.Weights
{
    /// <summary>Assembles safetensors bytes from a header string and a data buffer, independently of the writer.</summary>
    internal static class HandMadeSafeTensors
    {
        /// <param name="declaredHeaderLength">The length written in the first 8 bytes; the true header length when null.</param>
        public static byte[] Build(string headerJson, byte[] buffer, ulong? declaredHeaderLength = null)
        {
            byte[] header = Encoding.UTF8.GetBytes(headerJson);
            var file = new byte[8 + header.Length + buffer.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(file, declaredHeaderLength ?? (ulong)header.Length);
            header.CopyTo(file, 8);
            buffer.CopyTo(file, 8 + header.Length);
            return file;
        }

        public static byte[] Floats(params float[] values)
        {
            var bytes = new byte[values.Length * 4];
            for (int i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
            }

            return bytes;
        }
    }
}
