/**
 * Enum values of the GL and CL parameters a predicate can name under
 * `limits.`, so `limits.param0x0D33` finds the value the profile records
 * as `GL_MAX_TEXTURE_SIZE`. Values from the Khronos headers (gl.h/glext.h,
 * cl.h: https://registry.khronos.org/). The Installer knows more names than
 * this table; a `param<value>` outside it reads nil here.
 */
export const GL_LIMITS: ReadonlyMap<string, number> = new Map([
  ['GL_MAX_LIGHTS', 0x0d31],
  ['GL_MAX_CLIP_PLANES', 0x0d32],
  ['GL_MAX_TEXTURE_SIZE', 0x0d33],
  ['GL_MAX_PIXEL_MAP_TABLE', 0x0d34],
  ['GL_MAX_ATTRIB_STACK_DEPTH', 0x0d35],
  ['GL_MAX_MODELVIEW_STACK_DEPTH', 0x0d36],
  ['GL_MAX_NAME_STACK_DEPTH', 0x0d37],
  ['GL_MAX_PROJECTION_STACK_DEPTH', 0x0d38],
  ['GL_MAX_TEXTURE_STACK_DEPTH', 0x0d39],
  ['GL_MAX_3D_TEXTURE_SIZE', 0x8073],
  ['GL_MAX_ELEMENTS_VERTICES', 0x80e8],
  ['GL_MAX_ELEMENTS_INDICES', 0x80e9],
  ['GL_MAX_TEXTURE_UNITS', 0x84e2],
  ['GL_MAX_RENDERBUFFER_SIZE', 0x84e8],
  ['GL_MAX_RECTANGLE_TEXTURE_SIZE', 0x84f8],
  ['GL_MAX_TEXTURE_LOD_BIAS', 0x84fd],
  ['GL_MAX_TEXTURE_MAX_ANISOTROPY_EXT', 0x84ff],
  ['GL_MAX_CUBE_MAP_TEXTURE_SIZE', 0x851c],
  ['GL_MAX_DRAW_BUFFERS', 0x8824],
  ['GL_MAX_VERTEX_ATTRIBS', 0x8869],
  ['GL_MAX_TEXTURE_COORDS', 0x8871],
  ['GL_MAX_TEXTURE_IMAGE_UNITS', 0x8872],
  ['GL_MAX_ARRAY_TEXTURE_LAYERS', 0x88ff],
  ['GL_MAX_UNIFORM_BLOCK_SIZE', 0x8a30],
  ['GL_MAX_FRAGMENT_UNIFORM_COMPONENTS', 0x8b49],
  ['GL_MAX_VERTEX_UNIFORM_COMPONENTS', 0x8b4a],
  ['GL_MAX_VARYING_FLOATS', 0x8b4b],
  ['GL_MAX_VERTEX_TEXTURE_IMAGE_UNITS', 0x8b4c],
  ['GL_MAX_COMBINED_TEXTURE_IMAGE_UNITS', 0x8b4d],
  ['GL_MAX_TEXTURE_BUFFER_SIZE', 0x8c2b],
  ['GL_MAX_COLOR_ATTACHMENTS', 0x8cdf],
  ['GL_MAX_SAMPLES', 0x8d57],
  ['GL_MAX_GEOMETRY_OUTPUT_VERTICES', 0x8de0],
]);

export const CL_LIMITS: ReadonlyMap<string, number> = new Map([
  ['CL_DEVICE_VENDOR_ID', 0x1001],
  ['CL_DEVICE_MAX_COMPUTE_UNITS', 0x1002],
  ['CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS', 0x1003],
  ['CL_DEVICE_MAX_WORK_GROUP_SIZE', 0x1004],
  ['CL_DEVICE_MAX_CLOCK_FREQUENCY', 0x100c],
  ['CL_DEVICE_ADDRESS_BITS', 0x100d],
  ['CL_DEVICE_MAX_READ_IMAGE_ARGS', 0x100e],
  ['CL_DEVICE_MAX_WRITE_IMAGE_ARGS', 0x100f],
  ['CL_DEVICE_MAX_MEM_ALLOC_SIZE', 0x1010],
  ['CL_DEVICE_IMAGE2D_MAX_WIDTH', 0x1011],
  ['CL_DEVICE_IMAGE2D_MAX_HEIGHT', 0x1012],
  ['CL_DEVICE_IMAGE3D_MAX_WIDTH', 0x1013],
  ['CL_DEVICE_IMAGE3D_MAX_HEIGHT', 0x1014],
  ['CL_DEVICE_IMAGE3D_MAX_DEPTH', 0x1015],
  ['CL_DEVICE_IMAGE_SUPPORT', 0x1016],
  ['CL_DEVICE_MAX_PARAMETER_SIZE', 0x1017],
  ['CL_DEVICE_MAX_SAMPLERS', 0x1018],
  ['CL_DEVICE_MEM_BASE_ADDR_ALIGN', 0x1019],
  ['CL_DEVICE_GLOBAL_MEM_CACHE_SIZE', 0x101e],
  ['CL_DEVICE_GLOBAL_MEM_SIZE', 0x101f],
  ['CL_DEVICE_MAX_CONSTANT_BUFFER_SIZE', 0x1020],
  ['CL_DEVICE_MAX_CONSTANT_ARGS', 0x1021],
  ['CL_DEVICE_LOCAL_MEM_SIZE', 0x1023],
]);

/** Name for an enum value, per table (built once). */
export function namesByValue(table: ReadonlyMap<string, number>): ReadonlyMap<number, string> {
  const out = new Map<number, string>();
  for (const [name, value] of table) out.set(value, name);
  return out;
}

/** The enum value in `param0x0D33` / `param3379`, or undefined when the key is not of that form. */
export function parseParamKey(key: string): number | undefined {
  const m = /^param(0[xX][0-9A-Fa-f]{1,8}|[0-9]{1,10})$/.exec(key);
  return m ? Number(m[1]) : undefined;
}
